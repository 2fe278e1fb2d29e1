package dev.scriptorium.app;

import dev.scriptorium.embedded.EmbeddedSettings;
import dev.scriptorium.ingest.IngestSettings;
import dev.scriptorium.storage.StorageSettings;
import dev.scriptorium.transcription.PipelineSettings;
import dev.scriptorium.web.HttpSettings;
import dev.scriptorium.whisper.WhisperSettings;
import java.net.URI;
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
        WhisperSettings whisper) {

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
        return new ScriptoriumConfig(
                dataDir,
                database(env),
                storage(env),
                env.uri("REDIS_URL", "redis", "rediss"),
                new HttpSettings(
                        env.string("HTTP_HOST", "0.0.0.0"),
                        env.integer("HTTP_PORT", 8080, 0, 65535),
                        env.longValue("MAX_UPLOAD_BYTES", 2 * GIB, 1, 1024 * GIB)),
                new IngestSettings(
                        env.path("STAGING_DIR", dataDir.resolve("staging")),
                        env.integer("INGEST_WORKERS", 2, 1, 64)),
                new PipelineSettings(
                        env.path("WORK_DIR", dataDir.resolve("work")),
                        env.longValue("MAX_DURATION_SECONDS", 4 * 3600, 1, 7 * 24 * 3600),
                        env.integer("JOB_POLL_SECONDS", 5, 5, 3600),
                        env.integer("JOB_MAX_ATTEMPTS", 3, 1, 20)),
                new WhisperSettings(
                        env.path("WHISPER_MODEL", Path.of("models", WhisperSettings.DEFAULT_MODEL_FILE)),
                        env.integer("WHISPER_THREADS", Math.max(1, Math.min(cores, 8)), 1, 256),
                        env.integer("CHUNK_SECONDS", 300, 30, 3600),
                        env.bool("WHISPER_TIMESTAMPS", true),
                        env.bool("WHISPER_TEMPERATURE_FALLBACK", true),
                        env.integer("MODEL_POLL_SECONDS", 5, 1, 3600)));
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
