package dev.scriptorium.testing;

import dev.scriptorium.app.Application;
import dev.scriptorium.app.Role;
import dev.scriptorium.app.ScriptoriumConfig;
import dev.scriptorium.embedded.EmbeddedObjectStore;
import dev.scriptorium.storage.ObjectStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A running {@code serve} process in this JVM, wired to real services: a fresh database on the local PostgreSQL, an
 * S3Proxy server in process, the local Redis, real FFmpeg and whisper-jni with a synthetic model. Whisper is pinned to
 * the bounded, deterministic setting for synthetic models (no timestamps, no temperature fallback).
 */
public final class TestStack implements AutoCloseable {
    private final Path dataDir;
    private final TestDatabase database;
    private final EmbeddedObjectStore objectStore;
    private final ObjectStore objects;
    private final Application application;
    private final ApiClient api;
    private final Map<String, String> env;
    private final java.util.List<Application> workers = new java.util.ArrayList<>();

    private TestStack(Path dataDir, TestDatabase database, EmbeddedObjectStore objectStore, Application application,
                      Map<String, String> env) {
        this.env = Map.copyOf(env);
        this.dataDir = dataDir;
        this.database = database;
        this.objectStore = objectStore;
        this.objects = new ObjectStore(objectStore.settings());
        this.application = application;
        this.api = new ApiClient(URI.create("http://127.0.0.1:" + application.httpPort().orElseThrow()));
    }

    public static TestStack start(Map<String, String> overrides) throws Exception {
        Path dataDir = Files.createTempDirectory("scriptorium-test");
        TestDatabase database = TestDatabase.create();
        EmbeddedObjectStore objectStore = EmbeddedObjectStore.start(dataDir.resolve("objects"));
        Map<String, String> env = new HashMap<>();
        env.put("DATA_DIR", dataDir.toString());
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("HTTP_PORT", "0");
        env.put("MANAGEMENT_PORT", "0");
        env.put("DATABASE_URL", database.jdbcUrl());
        env.put("DATABASE_USER", database.user());
        env.put("S3_ENDPOINT", objectStore.settings().endpoint().toString());
        env.put("S3_ACCESS_KEY", objectStore.settings().accessKey());
        env.put("S3_SECRET_KEY", objectStore.settings().secretKey());
        env.put("REDIS_URL", TestDatabase.env("TEST_REDIS_URL", "redis://127.0.0.1:6379"));
        env.put("WHISPER_MODEL", TestModels.syntheticTiny().toString());
        env.put("WHISPER_THREADS", "2");
        env.put("WHISPER_TIMESTAMPS", "false");
        env.put("WHISPER_TEMPERATURE_FALLBACK", "false");
        env.put("DASHBOARD_PORT", "0");
        // The real speech detection model, off unless a test turns it on: most tests transcribe tones and noise.
        env.put("VAD_MODEL", TestModels.sileroVad().toString());
        env.put("VAD", "false");
        // Tests poll fast; the rate limit tests set their own limits.
        env.put("RATE_LIMIT_UPLOADS_PER_MINUTE", "0");
        env.put("RATE_LIMIT_REQUESTS_PER_MINUTE", "0");
        env.putAll(overrides);
        try {
            Application application = Application.start(Role.SERVE, ScriptoriumConfig.fromEnvironment(env));
            return new TestStack(dataDir, database, objectStore, application, env);
        } catch (Exception | Error e) {
            objectStore.close();
            database.close();
            throw e;
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + application.httpPort().orElseThrow();
    }

    public ApiClient api() {
        return api;
    }

    public Application application() {
        return application;
    }

    public TestDatabase database() {
        return database;
    }

    public ObjectStore objects() {
        return objects;
    }

    /** Coordinates of the stack's S3-compatible store (S3Proxy, in process). */
    public dev.scriptorium.storage.StorageSettings storageSettings() {
        return objectStore.settings();
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * Starts a {@code worker} role in this JVM, as if on another machine: the same database, object store and Redis,
     * a data directory of its own, and slots and children of its own. Closed with the stack.
     */
    public Application startWorker(Map<String, String> overrides) throws Exception {
        Map<String, String> workerEnv = new HashMap<>(env);
        workerEnv.put("DATA_DIR", Files.createTempDirectory("scriptorium-worker").toString());
        workerEnv.put("MANAGEMENT_PORT", "0");
        workerEnv.putAll(overrides);
        Application worker = Application.start(Role.WORKER, ScriptoriumConfig.fromEnvironment(workerEnv));
        workers.add(worker);
        return worker;
    }

    @Override
    public void close() throws Exception {
        workers.forEach(Application::close);
        application.close();
        objects.close();
        objectStore.close();
        database.close();
    }
}
