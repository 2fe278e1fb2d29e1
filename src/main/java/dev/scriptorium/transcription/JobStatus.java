package dev.scriptorium.transcription;

import java.util.Locale;

/** Where a transcription job is in its life. Legal moves between these are held in {@link JobTransitions}. */
public enum JobStatus {
    QUEUED, PROCESSING, COMPLETED, FAILED, CANCELED;

    public boolean isFinished() {
        return this == COMPLETED || this == FAILED || this == CANCELED;
    }

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
