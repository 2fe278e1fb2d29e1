package dev.scriptorium.app;

import dev.scriptorium.embedded.EmbeddedSettings;
import dev.scriptorium.ingest.IngestSettings;
import dev.scriptorium.retention.RetentionSettings;
import dev.scriptorium.storage.StorageSettings;
import dev.scriptorium.transcription.PipelineSettings;
import dev.scriptorium.web.HttpSettings;
import dev.scriptorium.whisper.WhisperSettings;
import dev.scriptorium.sandbox.SandboxSettings;
import dev.scriptorium.sandbox.TimeLimits;
import dev.scriptorium.speech.SpeechSettings;
import dev.scriptorium.outbound.Cidr;
import dev.scriptorium.outbound.OutboundSettings;
import dev.scriptorium.webhook.WebhookSettings;
import dev.scriptorium.webhook.WebhookSignature;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * All configuration, read and validated once from the environment at start-up. Each component receives only its own
 * slice. An empty optional for the database, the object store or Redis means "start an embedded one" (serve only).
 */
public record ScriptoriumConfig(
        Path dataDir,
        Optional<DatabaseSettings> database,
        Optional<StorageSettings> storage,
        Optional<URI> redisUrl,
        HttpSettings http,
        IngestSettings ingest,
        PipelineSettings pipeline,
        WhisperSettings whisper,
        SandboxSettings sandbox,
        SpeechSettings speech,
        RetentionSettings retention,
        OutboundSettings outbound,
        WebhookSettings webhooks,
        int managementPort,
        int dashboardPort,
        Duration reconcileInterval) {

    public static final long GIB = 1024L * 1024 * 1024;

    /** JDBC coordinates of an external PostgreSQL. */
    public record DatabaseSettings(String jdbcUrl, String user, String password, int poolSize) {
        @Override
        public String toString() {
            return "DatabaseSettings[" + jdbcUrl + ", user=" + user + "]";
        }
    }

    public EmbeddedSettings embedded() {
        return new EmbeddedSettings(dataDir);
    }

    public static ScriptoriumConfig fromEnvironment(Map<String, String> variables) {
        Environment env = new Environment(variables);
        Path dataDir = env.path("DATA_DIR", Path.of("data")).toAbsolutePath().normalize();
        int cores = Runtime.getRuntime().availableProcessors();
        int slots = env.integer("WORKER_SLOTS", Math.max(1, cores / 4), 1, 256);
        return new ScriptoriumConfig(
                dataDir,
                database(env),
                storage(env),
                env.uri("REDIS_URL", "redis", "rediss"),
                new HttpSettings(
                        env.string("HTTP_HOST", "0.0.0.0"),
                        env.integer("HTTP_PORT", 8080, 0, 65535),
                        env.longValue("MAX_UPLOAD_BYTES", 2 * GIB, 1, 1024 * GIB),
                        adminToken(env),
                        env.optional("ANONYMOUS_ACCESS").map(ignored -> env.bool("ANONYMOUS_ACCESS", false)),
                        env.integer("RATE_LIMIT_UPLOADS_PER_MINUTE", 30, 0, 1_000_000),
                        env.integer("RATE_LIMIT_REQUESTS_PER_MINUTE", 1200, 0, 100_000_000),
                        env.bool("WORD_TIMESTAMPS", true),
                        env.bool("VAD", true),
                        env.longValue("OPENAI_MAX_WAIT_SECONDS", 3600, 1, 7 * 24 * 3600)),
                new IngestSettings(
                        env.path("STAGING_DIR", dataDir.resolve("staging")),
                        env.integer("INGEST_WORKERS", 2, 1, 64),
                        Duration.ofSeconds(env.integer("DOWNLOAD_DEADLINE_SECONDS", 3600, 1, 7 * 24 * 3600)),
                        sourceStore(env),
                        sourceBuckets(env)),
                new PipelineSettings(
                        env.path("WORK_DIR", dataDir.resolve("work")),
                        env.longValue("MAX_DURATION_SECONDS", 4 * 3600, 1, 7 * 24 * 3600),
                        env.integer("JOB_POLL_SECONDS", 5, 5, 3600),
                        env.integer("JOB_MAX_ATTEMPTS", 3, 1, 20)),
                new WhisperSettings(
                        env.path("WHISPER_MODEL", Path.of("models", WhisperSettings.DEFAULT_MODEL_FILE)),
                        env.integer("WHISPER_THREADS", Math.max(1, Math.min(cores / slots, 8)), 1, 256),
                        env.integer("CHUNK_SECONDS", 300, 30, 3600),
                        env.bool("WHISPER_TIMESTAMPS", true),
                        env.bool("WHISPER_TEMPERATURE_FALLBACK", true),
                        env.integer("MODEL_POLL_SECONDS", 5, 1, 3600),
                        env.optional("WHISPER_MODEL").isPresent(),
                        decoding(env),
                        env.optional("WHISPER_NATIVE_DIR").map(Path::of)),
                sandbox(env, slots),
                speech(env),
                retention(env),
                outbound(env),
                webhooks(env),
                env.integer("MANAGEMENT_PORT", 8081, 0, 65535),
                env.integer("DASHBOARD_PORT", 8000, 0, 65534),
                Duration.ofSeconds(env.integer("RECONCILE_SECONDS", 30, 5, 3600)));
    }

    private static Optional<String> adminToken(Environment env) {
        Optional<String> token = env.optional("ADMIN_TOKEN");
        if (token.isPresent() && token.get().length() < 16) {
            throw new ConfigException("ADMIN_TOKEN must be at least 16 characters long (it guards the admin API); "
                    + "generate one with e.g. 'openssl rand -hex 24'");
        }
        return token;
    }

    private static RetentionSettings retention(Environment env) {
        int mediaDays = env.integer("RETENTION_MEDIA_DAYS", 7, 0, 36500);
        int jobDays = env.integer("RETENTION_JOB_DAYS", 90, 0, 36500);
        if (mediaDays > jobDays) {
            throw new ConfigException("RETENTION_MEDIA_DAYS (" + mediaDays + ") must not exceed RETENTION_JOB_DAYS ("
                    + jobDays + "): media goes with its job at the latest");
        }
        String cron = env.string("CLEANUP_CRON", "0 * * * *");
        try {
            org.jobrunr.scheduling.ScheduleExpressionType.createScheduleFromString(cron);
        } catch (RuntimeException e) {
            throw new ConfigException("CLEANUP_CRON must be a cron expression such as '0 * * * *' (hourly), but is '"
                    + cron + "'");
        }
        return new RetentionSettings(Duration.ofDays(mediaDays), Duration.ofDays(jobDays),
                Duration.ofDays(env.integer("RETENTION_FAILED_DAYS", 14, 0, 36500)),
                Duration.ofHours(env.integer("RETENTION_ORPHAN_GRACE_HOURS", 24, 1, 24 * 365)),
                cron, env.integer("CLEANUP_BATCH_SIZE", 1000, 1, 1000));
    }

    /** OUTBOUND_ALLOW_PRIVATE: true, false, or the CIDR ranges to open, comma-separated. */
    private static OutboundSettings outbound(Environment env) {
        String raw = env.string("OUTBOUND_ALLOW_PRIVATE", "false").strip();
        if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
            return new OutboundSettings(raw.equalsIgnoreCase("true"), List.of());
        }
        List<Cidr> ranges = new java.util.ArrayList<>();
        for (String part : raw.split(",")) {
            try {
                ranges.add(Cidr.parse(part.strip()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("OUTBOUND_ALLOW_PRIVATE must be true, false or CIDR ranges such as "
                        + "'10.1.0.0/16,fd12::/16': " + e.getMessage());
            }
        }
        return new OutboundSettings(false, ranges);
    }

    /** SOURCE_S3_ENDPOINT and its credentials, when s3:// URLs read from another store than the service's own. */
    private static Optional<StorageSettings> sourceStore(Environment env) {
        Optional<URI> endpoint = env.uri("SOURCE_S3_ENDPOINT", "http", "https");
        if (endpoint.isEmpty()) {
            return Optional.empty();
        }
        String accessKey = env.optional("SOURCE_S3_ACCESS_KEY").orElseThrow(() -> new ConfigException(
                "SOURCE_S3_ACCESS_KEY is required when SOURCE_S3_ENDPOINT is set"));
        String secretKey = env.optional("SOURCE_S3_SECRET_KEY").orElseThrow(() -> new ConfigException(
                "SOURCE_S3_SECRET_KEY is required when SOURCE_S3_ENDPOINT is set"));
        return Optional.of(new StorageSettings(endpoint.get(), "unused", accessKey, secretKey,
                env.string("SOURCE_S3_REGION", "us-east-1"), env.bool("SOURCE_S3_PATH_STYLE", true)));
    }

    private static List<String> sourceBuckets(Environment env) {
        List<String> buckets = new java.util.ArrayList<>();
        for (String part : env.string("SOURCE_S3_BUCKETS", "").split(",")) {
            String bucket = part.strip();
            if (bucket.isEmpty()) {
                continue;
            }
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new ConfigException("SOURCE_S3_BUCKETS lists bucket names separated by commas, but '" + bucket
                        + "' is not a valid bucket name");
            }
            buckets.add(bucket);
        }
        return buckets;
    }

    private static WebhookSettings webhooks(Environment env) {
        Optional<String> secret = env.optional("WEBHOOK_SECRET");
        secret.ifPresent(value -> {
            try {
                WebhookSignature.key(value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("WEBHOOK_SECRET is wrong: " + e.getMessage());
            }
        });
        List<Duration> delays = WebhookSettings.DEFAULT_RETRY_DELAYS;
        Optional<String> schedule = env.optional("WEBHOOK_RETRY_DELAYS");
        if (schedule.isPresent()) {
            delays = new java.util.ArrayList<>();
            for (String part : schedule.get().split(",")) {
                delays.add(HumanDuration.parse("WEBHOOK_RETRY_DELAYS", part.strip()));
            }
        }
        return new WebhookSettings(secret, delays,
                Duration.ofSeconds(env.integer("WEBHOOK_TIMEOUT_SECONDS", 10, 1, 60)),
                env.integer("WEBHOOK_WORKERS", 4, 1, 64));
    }

    private static SpeechSettings speech(Environment env) {
        SpeechSettings defaults = SpeechSettings.defaults(Path.of("models", SpeechSettings.DEFAULT_MODEL_FILE));
        return new SpeechSettings(
                env.path("VAD_MODEL", defaults.model()),
                env.decimal("VAD_THRESHOLD", defaults.threshold(), 0.05, 0.95),
                env.integer("VAD_MIN_SPEECH_MS", defaults.minSpeechMs(), 0, 10_000),
                env.integer("VAD_MIN_SILENCE_MS", defaults.minSilenceMs(), 0, 10_000),
                env.integer("VAD_SPEECH_PAD_MS", defaults.padMs(), 0, 2_000));
    }

    private static WhisperSettings.Decoding decoding(Environment env) {
        String search = env.string("WHISPER_DECODING", "greedy").trim().toLowerCase(java.util.Locale.ROOT);
        if (!search.equals("greedy") && !search.equals("beam")) {
            throw new ConfigException("WHISPER_DECODING must be greedy or beam, but is '" + search + "'");
        }
        // whisper.cpp 1.7.1 runs at most 8 decoders (WHISPER_MAX_DECODERS).
        int beamSize = env.integer("WHISPER_BEAM_SIZE", 5, 2, 8);
        boolean cuda = env.string("WHISPER_DEVICE", "cpu").equalsIgnoreCase("cuda");
        return new WhisperSettings.Decoding(search.equals("beam"), beamSize, env.bool("WHISPER_FLASH_ATTN", cuda));
    }

    private static SandboxSettings sandbox(Environment env, int slots) {
        String device = env.string("WHISPER_DEVICE", "cpu").toLowerCase(java.util.Locale.ROOT);
        if (!device.equals("cpu") && !device.equals("cuda")) {
            throw new ConfigException("WHISPER_DEVICE must be cpu or cuda, but is '" + device + "'");
        }
        Optional<Path> nativeDir = env.optional("WHISPER_NATIVE_DIR").map(Path::of);
        if (device.equals("cuda") && nativeDir.isEmpty()) {
            throw new ConfigException("WHISPER_NATIVE_DIR is required when WHISPER_DEVICE is cuda: it names the "
                    + "directory of whisper.cpp 1.7.1's libwhisper.so built with CUDA (see Dockerfile.gpu)");
        }
        if (nativeDir.isPresent() && !java.nio.file.Files.isRegularFile(nativeDir.get().resolve("libwhisper.so"))) {
            throw new ConfigException("WHISPER_NATIVE_DIR must contain whisper.cpp 1.7.1's libwhisper.so, but "
                    + nativeDir.get().resolve("libwhisper.so") + " does not exist");
        }
        long floor = env.longValue("JOB_TIMEOUT_FLOOR_SECONDS", 600, 1, 7 * 24 * 3600);
        long ceiling = env.longValue("JOB_TIMEOUT_CEILING_SECONDS", 6 * 3600, 1, 7 * 24 * 3600);
        if (floor > ceiling) {
            throw new ConfigException("JOB_TIMEOUT_FLOOR_SECONDS (" + floor + ") must not exceed "
                    + "JOB_TIMEOUT_CEILING_SECONDS (" + ceiling + ")");
        }
        // The wall-clock limit is a last resort (a hang is told by CPU time instead), so it must survive a loaded
        // machine: ten times what the slot's speed, measured in quiet times, predicts.
        int factor = env.integer("JOB_TIMEOUT_FACTOR", 10, 1, 1000);
        int hangSeconds = env.integer("HANG_SECONDS", 120, 1, 24 * 3600);
        List<String> childOptions = List.of(env.string("WORKER_CHILD_JAVA_OPTS", "-Xmx512m").trim().split("\\s+"));
        return new SandboxSettings(slots, childOptions, device, nativeDir,
                env.integer("CRASH_RETRIES", 1, 0, 10),
                new TimeLimits(Duration.ofSeconds(floor), Duration.ofSeconds(ceiling), factor,
                        Duration.ofSeconds(hangSeconds)),
                Duration.ofSeconds(env.integer("WORKER_STARTUP_SECONDS", 300, 5, 3600)));
    }

    private static Optional<DatabaseSettings> database(Environment env) {
        Optional<String> raw = env.optional("DATABASE_URL");
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        String url = raw.get();
        String user = env.string("DATABASE_USER", null);
        String password = env.string("DATABASE_PASSWORD", null);
        int poolSize = env.integer("DATABASE_POOL_SIZE", 10, 2, 200);
        if (url.startsWith("jdbc:postgresql:")) {
            return Optional.of(new DatabaseSettings(url, user, password, poolSize));
        }
        URI uri = env.uri("DATABASE_URL", "postgres", "postgresql").orElseThrow();
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new ConfigException("DATABASE_URL must name a host and a database, e.g. "
                    + "postgres://user:password@db.example:5432/scriptorium");
        }
        if (uri.getUserInfo() != null) {
            String[] parts = uri.getUserInfo().split(":", 2);
            user = user != null ? user : parts[0];
            password = password != null ? password : parts.length > 1 ? parts[1] : null;
        }
        String jdbc = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                + uri.getPath() + (uri.getQuery() != null ? "?" + uri.getQuery() : "");
        return Optional.of(new DatabaseSettings(jdbc, user, password, poolSize));
    }

    private static Optional<StorageSettings> storage(Environment env) {
        Optional<URI> endpoint = env.uri("S3_ENDPOINT", "http", "https");
        if (endpoint.isEmpty()) {
            return Optional.empty();
        }
        String accessKey = env.optional("S3_ACCESS_KEY")
                .orElseThrow(() -> new ConfigException("S3_ACCESS_KEY is required when S3_ENDPOINT is set"));
        String secretKey = env.optional("S3_SECRET_KEY")
                .orElseThrow(() -> new ConfigException("S3_SECRET_KEY is required when S3_ENDPOINT is set"));
        String bucket = env.string("S3_BUCKET", "scriptorium");
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new ConfigException("S3_BUCKET must be a valid bucket name (3-63 lowercase letters, digits, dots,"
                    + " hyphens), but is '" + bucket + "'");
        }
        return Optional.of(new StorageSettings(endpoint.get(), bucket, accessKey, secretKey,
                env.string("S3_REGION", "us-east-1"), env.bool("S3_PATH_STYLE", true)));
    }
}
