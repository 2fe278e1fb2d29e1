package dev.scriptorium.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scriptorium.metrics.Metrics;
import io.javalin.Javalin;
import io.prometheus.client.exporter.common.TextFormat;
import io.javalin.json.JavalinJackson;

/**
 * The internal HTTP port of every long-running role (MANAGEMENT_PORT): health and readiness for orchestrators, and
 * the only place that serves Prometheus metrics, so that no public ingress can reach them. Thread-safe; close it
 * once, from the composition root.
 */
public final class ManagementServer implements AutoCloseable {
    private final Javalin javalin;

    public ManagementServer(String host, int port, ObjectMapper json, Readiness readiness,
                            Metrics metrics) {
        this.javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = host;
            config.jetty.port = port;
            config.jsonMapper(new JavalinJackson(json, false));
            Health.register(config.routes, readiness);
            config.routes.get("/metrics", ctx -> ctx.contentType(TextFormat.CONTENT_TYPE_004).result(metrics.scrape()));
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
