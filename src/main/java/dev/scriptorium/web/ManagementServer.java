package dev.scriptorium.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import java.util.Map;

/**
 * The internal HTTP port of roles without the public server (worker, scheduler): health and readiness for
 * orchestrators. Thread-safe; close it once, from the composition root.
 */
public final class ManagementServer implements AutoCloseable {
    private final Javalin javalin;

    public ManagementServer(String host, int port, ObjectMapper json, Map<String, ReadinessCheck> readiness) {
        this.javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = host;
            config.jetty.port = port;
            config.jsonMapper(new JavalinJackson(json, false));
            Health.register(config.routes, readiness);
        });
    }

    public ManagementServer start() {
        javalin.start();
        return this;
    }

    public int port() {
        return javalin.port();
    }

    @Override
    public void close() {
        javalin.stop();
    }
}
