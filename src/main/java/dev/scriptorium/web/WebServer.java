package dev.scriptorium.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scriptorium.access.ApiKeys;
import dev.scriptorium.access.RateLimits;
import dev.scriptorium.admin.AdminOverview;
import dev.scriptorium.ingest.Uploads;
import dev.scriptorium.reconcile.Reconciler;
import dev.scriptorium.retention.JobDeletion;
import dev.scriptorium.transcription.TranscriptionJobs;
import dev.scriptorium.speech.SpeechSettings;
import dev.scriptorium.speech.SpeechStatus;
import dev.scriptorium.whisper.ModelStatus;
import dev.scriptorium.metrics.Metrics;
import io.javalin.Javalin;
import redis.clients.jedis.RedisClient;
import io.javalin.config.JavalinConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.router.Endpoint;
import io.javalin.router.InternalRouter;
import io.javalin.router.ParsedEndpoint;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import dev.scriptorium.webhook.Webhooks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public HTTP server: the upload page, the jobs API and health endpoints. Errors always answer
 * {"error": {"code", "message"}}; an unexpected one is logged with an incident id that the answer repeats, and no
 * stack trace ever reaches a client. Thread-safe; close it once, from the composition root.
 */
public final class WebServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebServer.class);
    private final Javalin javalin;
    private final JobChangeFeed changes;
    private final JobsApi api;

    /**
     * @param ingestWorkers        worker threads of every running ingest server, in any process
     * @param transcriptionWorkers worker threads of every running transcription worker, in any process
     * @param localWorker          the model status of this process's own worker, if it runs one
     * @param anonymous            whether the form and API work without an API key
     * @param worker               whether this process transcribes too (serve), and so sees the speech detection
     *                             model its jobs use
     */
    public WebServer(HttpSettings settings, boolean anonymous, Path uploadTempDir, ObjectMapper json, Uploads uploads,
                     TranscriptionJobs jobs, JobDeletion deletion, ApiKeys keys, RedisClient redis,
                     AdminOverview overview, Reconciler requeue,
                     Supplier<ModelStatus> model, SpeechSettings speech, boolean worker,
                     Supplier<java.util.Optional<ModelStatus>> localWorker, java.util.function.IntSupplier ingestWorkers,
                     java.util.function.IntSupplier transcriptionWorkers, Readiness readiness,
                     Metrics metrics, Webhooks webhooks, Workspace workspace) {
        String page = resource("/web/index.html");
        WaitingReasons waiting = new WaitingReasons(ingestWorkers, transcriptionWorkers, localWorker);
        this.changes = new JobChangeFeed(redis);
        JobStatusReader status = new JobStatusReader(redis, json, jobs, waiting);
        this.api = new JobsApi(uploads, jobs, deletion, status, changes, json, settings.maxUploadBytes(),
                settings.wordTimestamps(), settings.vad(), webhooks);
        TranscriptsApi transcripts = new TranscriptsApi(jobs, workspace.corrections(), json);
        SearchApi search = new SearchApi(workspace.search());
        MediaApi media = new MediaApi(jobs, workspace.media());
        ResumableUploadApi resumable = new ResumableUploadApi(workspace.resumable(), uploads, api,
                settings.maxUploadBytes());
        AdminApi admin = new AdminApi(jobs, waiting, overview, requeue, webhooks);
        OpenAiApi openAi = new OpenAiApi(uploads, jobs, changes, () -> model.get().model(), settings.maxUploadBytes(),
                settings.wordTimestamps(), settings.vad(), java.time.Duration.ofSeconds(settings.openAiMaxWaitSeconds()));
        String adminPage = resource("/web/admin.html");
        String tusClient = resource("/web/vendor/tus.min.js");
        String openApi = resource("/web/openapi.json");
        Access access = new Access(keys, anonymous, settings.adminToken(),
                new RateLimits(redis, settings.uploadsPerMinute(), settings.requestsPerMinute()));
        try {
            Files.createDirectories(uploadTempDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.javalin = Javalin.create(config -> {
            configure(config, settings, uploadTempDir, json);
            access.register(config.routes);
            api.register(config.routes);
            transcripts.register(config.routes);
            search.register(config.routes);
            media.register(config.routes);
            resumable.register(config.routes);
            admin.register(config.routes);
            openAi.register(config.routes);
            config.routes.get("/", ctx -> ctx.html(page));
            // A job's own page is the same page: it shows the job of its address.
            config.routes.get("/jobs/{id}", ctx -> ctx.html(page));
            // tus-js-client, the page's resumable uploader (vendored: see web/vendor/README.md).
            config.routes.get("/assets/tus.min.js", ctx -> ctx.contentType("text/javascript").header("Cache-Control",
                    "public, max-age=86400").result(tusClient));
            config.routes.get("/admin", ctx -> ctx.html(adminPage));
            config.routes.get("/api/v1/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
            config.routes.get("/api/v1/status", ctx -> ctx.json(status(model.get(),
                    SpeechStatus.of(speech, settings.vad(), worker), anonymous, settings.maxUploadBytes())));
            config.requestLogger.http((ctx, millis) -> metrics.httpRequest(route(ctx), ctx.method().name(),
                    ctx.statusCode(), millis / 1000.0));
            Health.register(config.routes, readiness);
            headWhereverGet(config);
            config.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                String incident = UUID.randomUUID().toString().substring(0, 8);
                log.error("Unexpected error on {} {} (incident {})", ctx.method(), ctx.path(), incident, e);
                error(ctx, 500, "internal_error", "Something went wrong on our side (incident " + incident
                        + "). Try again; if it keeps happening, tell the operator the incident id.");
            });
            InternalRouter router = config.unsafe.internalRouter;
            config.routes.exception(HttpResponseException.class, (e, ctx) -> javalinError(router, e, ctx));
        });
    }

    private static void configure(JavalinConfig config, HttpSettings settings, Path uploadTempDir,
                                  ObjectMapper json) {
        config.startup.showJavalinBanner = false;
        // A known path with a method it lacks is a 405 with Allow, not a 404 that hides the path.
        config.http.prefer405over404 = true;
        config.jetty.host = settings.host();
        config.jetty.port = settings.port();
        config.jsonMapper(new JavalinJackson(json, false));
        config.jetty.multipartConfig.cacheDirectory(uploadTempDir.toString());
        config.jetty.multipartConfig.maxFileSize(settings.maxUploadBytes(), SizeUnit.BYTES);
        config.jetty.multipartConfig.maxTotalRequestSize(settings.maxUploadBytes() + Multipart.ENVELOPE_BYTES,
                SizeUnit.BYTES);
        config.jetty.multipartConfig.maxInMemoryFileSize(64, SizeUnit.KB);
    }

    /** What GET /api/v1/status answers; anyone may read it, with or without a key. */
    private static Map<String, Object> status(ModelStatus model, SpeechStatus speech, boolean anonymous,
                                              long maxUploadBytes) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("model", model);
        status.put("speech_detection", speech);
        status.put("anonymous_access", anonymous);
        status.put("max_upload_bytes", maxUploadBytes);
        return status;
    }

    /**
     * Without its own HEAD route, Javalin answers HEAD with a bare 200 wherever a GET route matches, even where the
     * GET would answer 404. Running the GET handler gives the same status and headers; Jetty drops the body.
     */
    private static void headWhereverGet(JavalinConfig config) {
        List<Endpoint> endpoints = config.unsafe.internalRouter.allHttpHandlers().stream()
                .map(parsed -> parsed.endpoint).toList();
        Set<String> withHead = endpoints.stream().filter(endpoint -> endpoint.method.equals(HandlerType.HEAD))
                .map(endpoint -> endpoint.path).collect(Collectors.toSet());
        endpoints.stream().filter(endpoint -> endpoint.method.equals(HandlerType.GET))
                .filter(endpoint -> !withHead.contains(endpoint.path))
                .forEach(endpoint -> config.routes.head(endpoint.path, endpoint.handler));
    }

    /** Javalin's own answers (no route, wrong method, a body over its limit) in the API's error shape. */
    private static void javalinError(InternalRouter router, HttpResponseException e, Context ctx) {
        if (e instanceof MethodNotAllowedResponse) {
            String allowed = String.join(", ", methods(router, ctx.path()));
            ctx.header("Allow", allowed);
            error(ctx, 405, "method_not_allowed", ctx.method().name() + " is not supported on " + ctx.path()
                    + "; it supports " + allowed + ".");
        } else if (e.getStatus() == 404) {
            error(ctx, 404, "not_found", "There is nothing at " + ctx.path() + ". The API is under /api/v1/; the"
                    + " README's API section lists its endpoints.");
        } else {
            String code = HttpStatus.forStatus(e.getStatus()).getMessage().toLowerCase(Locale.ROOT)
                    .replaceAll("[^a-z0-9]+", "_");
            error(ctx, e.getStatus(), code, e.getMessage() + ".");
        }
    }

    /** The methods that {@code path} supports, in Javalin's order (GET first). */
    private static List<String> methods(InternalRouter router, String path) {
        return HandlerType.values().stream().filter(HandlerType::isHttpMethod)
                .filter(type -> router.findFirstHttpHandlerEntry(type, path) != null)
                .map(HandlerType::name).toList();
    }

    /**
     * Every path this server routes, as registered ("/api/v1/jobs/{id}"), with the methods it supports there. For
     * tests that walk all routes, so that a route added later is covered without being listed by hand.
     */
    Map<String, Set<String>> routes() {
        Map<String, Set<String>> routes = new TreeMap<>();
        for (ParsedEndpoint parsed : javalin.unsafe.internalRouter.allHttpHandlers()) {
            if (parsed.endpoint.method.isHttpMethod()) {
                routes.computeIfAbsent(parsed.endpoint.path, path -> new TreeSet<>())
                        .add(parsed.endpoint.method.name());
            }
        }
        return routes;
    }

    /** The matched route's pattern ("/api/v1/jobs/{id}"), never the raw path: ids would explode the labels. */
    private static String route(Context ctx) {
        try {
            var endpoint = ctx.endpoints().lastHttpEndpoint();
            return endpoint != null ? endpoint.path : "unmatched";
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    /** The API's error shape; under /v1/, OpenAI's, which its clients parse. */
    private static void error(Context ctx, int status, String code, String message) {
        if (ctx.path().startsWith("/v1/")) {
            ctx.status(status).json(Map.of("error", OpenAiErrors.body(status, code, message)));
            return;
        }
        ctx.status(status).json(Map.of("error", Map.of("code", code, "message", message)));
    }

    private static String resource(String name) {
        try (InputStream in = WebServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public WebServer start() {
        javalin.start();
        return this;
    }

    public int port() {
        return javalin.port();
    }

    @Override
    public void close() {
        api.close();
        javalin.stop();
        changes.close();
    }
}
