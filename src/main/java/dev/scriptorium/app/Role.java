package dev.scriptorium.app;

import java.util.Locale;
import java.util.Optional;

/** The entry points of the one jar, and what each starts. */
public enum Role {
    /** Everything in one process, with embedded PostgreSQL, S3 and Redis for whatever is not configured. */
    SERVE(true, true, true, true, true),
    /** HTTP only: accepts uploads and answers the API; runs no jobs. */
    WEB(false, true, false, false, false),
    /** Transcription jobs only. */
    WORKER(false, false, false, true, false),
    /** Ingest jobs, recurring jobs (retention cleanup), the reconciler and JobRunr's dashboards. */
    SCHEDULER(false, false, true, false, true),
    /** One retention cleanup run, then exit. */
    CLEANUP(false, false, false, false, false);

    private final boolean embeddedDefaults;
    private final boolean http;
    private final boolean ingest;
    private final boolean transcription;
    /** Recurring jobs, the reconciler and the dashboards. */
    private final boolean schedules;

    Role(boolean embeddedDefaults, boolean http, boolean ingest, boolean transcription, boolean schedules) {
        this.embeddedDefaults = embeddedDefaults;
        this.http = http;
        this.ingest = ingest;
        this.transcription = transcription;
        this.schedules = schedules;
    }

    public boolean embeddedDefaults() { return embeddedDefaults; }
    public boolean http() { return http; }
    public boolean ingest() { return ingest; }
    public boolean transcription() { return transcription; }
    public boolean schedules() { return schedules; }

    /** One line for the command line's help. */
    public String description() {
        return switch (this) {
            case SERVE -> "Everything in one process; embedded PostgreSQL, S3 and Redis for whatever is not configured.";
            case WEB -> "HTTP only (form, API); needs DATABASE_URL, S3_ENDPOINT and REDIS_URL.";
            case WORKER -> "Transcription jobs only.";
            case SCHEDULER -> "Ingest jobs, webhooks, the recurring retention cleanup, the reconciler and the JobRunr"
                    + " dashboards.";
            case CLEANUP -> "One retention cleanup run, then exit.";
        };
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String name) {
        for (Role role : values()) {
            if (role.cliName().equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
