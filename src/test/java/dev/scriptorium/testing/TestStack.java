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

    private TestStack(Path dataDir, TestDatabase database, EmbeddedObjectStore objectStore, Application application) {
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
        env.putAll(overrides);
        try {
            Application application = Application.start(Role.SERVE, ScriptoriumConfig.fromEnvironment(env));
            return new TestStack(dataDir, database, objectStore, application);
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

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() throws Exception {
        application.close();
        objects.close();
        objectStore.close();
        database.close();
    }
}
