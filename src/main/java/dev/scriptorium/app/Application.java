package dev.scriptorium.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scriptorium.access.ApiKeys;
import dev.scriptorium.admin.AdminOverview;
import dev.scriptorium.admin.QueueStats;
import dev.scriptorium.database.Database;
import dev.scriptorium.embedded.EmbeddedDatabase;
import dev.scriptorium.embedded.EmbeddedObjectStore;
import dev.scriptorium.embedded.EmbeddedRedis;
import dev.scriptorium.embedded.EmbeddedSettings;
import dev.scriptorium.embedded.EmbeddedSupervisor;
import dev.scriptorium.embedded.SupervisedService;
import dev.scriptorium.ingest.IngestQueue;
import dev.scriptorium.ingest.IngestStep;
import dev.scriptorium.ingest.MediaDownload;
import dev.scriptorium.ingest.UploadStaging;
import dev.scriptorium.ingest.Uploads;
import dev.scriptorium.metrics.DatabaseGauges;
import dev.scriptorium.metrics.Metrics;
import dev.scriptorium.metrics.SlotGauges;
import dev.scriptorium.queue.JobQueue;
import dev.scriptorium.reconcile.ReconcileLoop;
import dev.scriptorium.reconcile.Reconciler;
import dev.scriptorium.retention.CleanupStep;
import dev.scriptorium.retention.JobDeletion;
import dev.scriptorium.retention.RetentionCleanup;
import dev.scriptorium.outbound.OutboundGuard;
import dev.scriptorium.outbound.OutboundHttp;
import dev.scriptorium.status.JobEvents;
import dev.scriptorium.status.WorkerHeartbeat;
import dev.scriptorium.storage.ObjectStore;
import dev.scriptorium.storage.SourceBuckets;
import dev.scriptorium.storage.StorageSettings;
import dev.scriptorium.transcription.ChunkCheckpoints;
import dev.scriptorium.transcription.ChunkClaims;
import dev.scriptorium.transcription.JobEndLog;
import dev.scriptorium.transcription.TranscriptionJobs;
import dev.scriptorium.transcription.TranscriptionQueue;
import dev.scriptorium.transcription.TranscriptionWorker;
import dev.scriptorium.web.StatusEntry;
import dev.scriptorium.web.ManagementServer;
import dev.scriptorium.web.Readiness;
import dev.scriptorium.web.ReadinessCheck;
import dev.scriptorium.web.WebServer;
import dev.scriptorium.web.Workspace;
import dev.scriptorium.ingest.ResumableUploads;
import dev.scriptorium.search.TranscriptSearch;
import dev.scriptorium.correction.Corrections;
import dev.scriptorium.webhook.WebhookDeliveries;
import dev.scriptorium.webhook.WebhookOutbox;
import dev.scriptorium.webhook.WebhookQueue;
import dev.scriptorium.webhook.WebhookStep;
import dev.scriptorium.webhook.Webhooks;
import dev.scriptorium.whisper.ModelChoice;
import dev.scriptorium.whisper.ModelStatus;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * The composition root: every object of a running role is built here, by hand, and every resource is closed here, in
 * the reverse order of its creation.
 */
public final class Application implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Application.class);
    private static final long SLOW_CLOSE_MILLIS = 500;
    private static final Duration OUTBOUND_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration OUTBOUND_READ_TIMEOUT = Duration.ofSeconds(30);
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private WebServer web;
    private ManagementServer management;
    private TranscriptionJobs jobs;
    private TranscriptionWorker worker;
    private RetentionCleanup cleanup;
    private EmbeddedSupervisor supervisor;
    private Role role;
    private String httpHost;
    private Integer dashboardPort;
    private String whisperModelFile;

    private Application() {
    }

    public static Application start(Role role, ScriptoriumConfig config) throws Exception {
        Application application = new Application();
        try {
            application.boot(role, config);
            return application;
        } catch (Exception | Error e) {
            application.close();
            throw e;
        }
    }

    private void boot(Role role, ScriptoriumConfig config) throws Exception {
        this.role = role;
        this.httpHost = config.http().host();
        this.whisperModelFile = config.whisper().model().getFileName().toString();
        Ports.requireFree(listeners(role, config));
        ObjectMapper json = Json.create();
        Metrics metrics = new Metrics();

        List<SupervisedService> embedded = new ArrayList<>();
        ScriptoriumConfig.DatabaseSettings databaseSettings = config.database().isPresent()
                ? config.database().get()
                : embeddedDatabase(role, config, embedded);
        Database database = own(Database.open(databaseSettings.jdbcUrl(), databaseSettings.user(),
                databaseSettings.password(), databaseSettings.poolSize()));

        StorageSettings storageSettings = config.storage().isPresent()
                ? config.storage().get()
                : own(EmbeddedObjectStore.start(requireEmbedded(role, "S3_ENDPOINT", config)
                        .dataDir().resolve("objects"))).settings();
        ObjectStore store = own(new ObjectStore(storageSettings));
        store.ensureBucket();

        UploadStaging staging = new UploadStaging(config.ingest().stagingDir());
        cleanup = new RetentionCleanup(database.dataSource(), store, config.retention(),
                List.of(staging.directory(), config.pipeline().workDir()), Clock.systemUTC());
        if (role == Role.CLEANUP) {
            return;
        }

        URI redisUrl;
        if (config.redisUrl().isPresent()) {
            redisUrl = config.redisUrl().get();
        } else {
            EmbeddedRedis embeddedRedis = own(EmbeddedRedis.start(requireEmbedded(role, "REDIS_URL", config)
                    .dataDir()));
            embedded.add(embeddedRedis);
            redisUrl = embeddedRedis.url();
        }
        // Closed first of all by close(), so that the servers' own stop is not taken for a crash.
        supervisor = embedded.isEmpty() ? null : new EmbeddedSupervisor(embedded);
        RedisClient redis = own(RedisClient.create(redisUrl));

        OutboundGuard guard = config.outbound().guard();
        // Built before the queues, so that they close after the queues' servers have stopped using them.
        OutboundHttp outbound = role.ingest() ? own(new OutboundHttp(guard, OUTBOUND_CONNECT_TIMEOUT,
                OUTBOUND_READ_TIMEOUT)) : null;
        SourceBuckets sourceBuckets = role.ingest() ? own(new SourceBuckets(config.ingest().sourceStore()
                .orElse(storageSettings), config.ingest().sourceBuckets())) : null;
        JobQueue webhookJobs = own(new JobQueue("webhook", database.dataSource()));
        WebhookQueue webhookQueue = new WebhookQueue(webhookJobs);
        WebhookDeliveries deliveries = new WebhookDeliveries(database.dataSource());
        Webhooks webhooks = new Webhooks(deliveries, webhookQueue, guard,
                config.webhooks().anonymousSecret().isPresent());
        // Microseconds, as PostgreSQL keeps them: a job's times read back equal the times it was written with.
        jobs = new TranscriptionJobs(database.sessions(), Clock.tick(Clock.systemUTC(), Duration.ofNanos(1000)),
                new JobEvents(redis, json, StatusEntry.encoder(json)).andThen(metrics.jobListener())
                        .andThen(new JobEndLog()).andThen(webhooks), new WebhookOutbox());
        JobQueue ingestJobs = own(new JobQueue("ingest", database.dataSource()));
        JobQueue transcribeJobs = own(new JobQueue("transcribe", database.dataSource()));
        IngestQueue ingest = new IngestQueue(ingestJobs);
        TranscriptionQueue transcription = new TranscriptionQueue(transcribeJobs);
        Duration poll = Duration.ofSeconds(config.pipeline().pollSeconds());

        if (role.ingest()) {
            IngestStep ingestStep = new IngestStep(jobs, staging, store, transcription, metrics,
                    Optional.of(new MediaDownload(outbound, sourceBuckets, config.http().maxUploadBytes(),
                            config.ingest().downloadDeadline())), this::workersModel);
            // The recurring cleanup fires on this queue's master server, so its handler lives here too.
            ingestJobs.startServer(config.ingest().workers(), poll,
                    Map.of(IngestStep.class, ingestStep, CleanupStep.class, new CleanupStep(cleanup, metrics)));
            webhookJobs.startServer(config.webhooks().workers(), poll, Map.of(WebhookStep.class,
                    new WebhookStep(deliveries, jobs, webhookQueue, outbound, config.webhooks(), json,
                            Clock.systemUTC())));
        }
        if (role.transcription()) {
            ChunkCheckpoints checkpoints = new ChunkCheckpoints(database.sessions(), json);
            ChunkClaims claims = new ChunkClaims(database.sessions());
            // Only serve, the all-in-one start, stands a synthetic model in for a missing default one.
            ModelChoice models = role == Role.SERVE ? ModelChoice.orSyntheticStandIn(config.whisper())
                    : ModelChoice.only(config.whisper());
            worker = own(new TranscriptionWorker(transcribeJobs, transcription, jobs, checkpoints, claims, store,
                    config.pipeline(), models, config.sandbox(), config.speech(), metrics));
            worker.start();
            metrics.register(new SlotGauges(worker::slots, config.sandbox().device()));
            own(new WorkerHeartbeat(redis, json, config.sandbox().device(), worker::modelName, worker::slots));
        }
        if (role.schedules()) {
            metrics.register(new DatabaseGauges(database.dataSource(), List.of(ingestJobs.name(),
                    transcribeJobs.name(), webhookJobs.name())));
            ingestJobs.scheduleRecurrently(CleanupStep.RECURRING_ID, config.retention().cron(),
                    (CleanupStep step) -> step.run());
            webhookQueue.scheduleSweep();
            own(new ReconcileLoop(new Reconciler(jobs, ingest, transcription, Clock.systemUTC()),
                    config.reconcileInterval()));
            if (config.dashboardPort() > 0) {
                startDashboards(ingestJobs, transcribeJobs, config.dashboardPort());
                dashboardPort = config.dashboardPort();
            }
        }
        Readiness readiness = Readiness.none();
        for (SupervisedService service : embedded) {
            // Says what the supervisor is doing while an embedded server is down; Redis stays optional here too.
            String name = "embedded_" + service.name().toLowerCase(Locale.ROOT);
            ReadinessCheck check = () -> supervisor.check(service);
            readiness = service instanceof EmbeddedDatabase ? readiness.withRequired(name, check)
                    : readiness.withOptional(name, check);
        }
        readiness = readiness.withRequired("database", database::check)
                .withRequired("object_store", store::check).withOptional("redis", redis::ping);
        if (worker != null && !role.http()) {
            // A worker is ready once it can take jobs. serve is ready without a model: its page says how to get one.
            TranscriptionWorker loaded = worker;
            readiness = readiness.withRequired("model", () -> {
                if (!loaded.status().loaded()) {
                    throw new IllegalStateException(loaded.status().message());
                }
            });
        }
        if (role.http()) {
            // Without a worker here, the model file (if this machine has one) is read once, not on every request.
            ModelStatus onWorkers = worker == null ? ModelStatus.onWorkers(config.whisper()) : null;
            Supplier<ModelStatus> model = worker != null ? worker::status : () -> onWorkers;
            Uploads uploads = new Uploads(staging, jobs, ingest, metrics);
            boolean anonymous = config.http().anonymousAccess().orElse(role == Role.SERVE);
            WebServer server = new WebServer(config.http(), anonymous, staging.directory().resolve("incoming"), json,
                    uploads, jobs, new JobDeletion(database.dataSource(), store), new ApiKeys(database.dataSource()),
                    redis,
                    new AdminOverview(database.dataSource(), redis, json, new QueueStats(database.dataSource(),
                            List.of(ingestJobs.name(), transcribeJobs.name())), config.dashboardPort()),
                    new Reconciler(jobs, ingest, transcription, Clock.systemUTC()),
                    model, config.speech(), worker != null, this::modelStatus,
                    ingest::workerCount, transcription::workerCount, readiness, metrics, webhooks,
                    new Workspace(new TranscriptSearch(database.dataSource()),
                            new Corrections(database.dataSource(), json), store,
                            new ResumableUploads(staging.directory().resolve(ResumableUploads.FOLDER),
                                    config.http().maxUploadBytes(), config.retention().orphanGrace())));
            web = own(Ports.bind(http(config), server::start));
        }
        ManagementServer managementServer = new ManagementServer(config.http().host(), config.managementPort(), json,
                readiness, metrics);
        management = own(Ports.bind(management(config), managementServer::start));
    }

    /** Every port the role listens on, in the order it binds them. */
    private static List<Listener> listeners(Role role, ScriptoriumConfig config) {
        List<Listener> listeners = new ArrayList<>();
        if (role == Role.CLEANUP) {
            return listeners;
        }
        if (role.schedules() && config.dashboardPort() > 0) {
            listeners.add(Listener.dashboard(config.dashboardPort(), config.dashboardPort()));
            listeners.add(Listener.dashboard(config.dashboardPort(), config.dashboardPort() + 1));
        }
        if (role.http()) {
            listeners.add(http(config));
        }
        listeners.add(management(config));
        return listeners;
    }

    private static Listener http(ScriptoriumConfig config) {
        return Listener.of("HTTP_PORT", config.http().host(), config.http().port());
    }

    private static Listener management(ScriptoriumConfig config) {
        return Listener.of("MANAGEMENT_PORT", config.http().host(), config.managementPort());
    }

    /**
     * The model file jobs are transcribed with: this process's worker's (serve), else the one WHISPER_MODEL names,
     * which the worker role runs too.
     */
    private Optional<String> workersModel() {
        if (worker != null) {
            return Optional.of(worker.modelName());
        }
        return Optional.of(whisperModelFile);
    }

    /** Operators only: never on the public port (see scheduler/README.md). */
    private void startDashboards(JobQueue ingestJobs, JobQueue transcribeJobs, int port) throws Exception {
        var ingestDashboard = Ports.bind(Listener.dashboard(port, port), () -> ingestJobs.startDashboard(port));
        own((AutoCloseable) ingestDashboard::stop);
        var transcribeDashboard = Ports.bind(Listener.dashboard(port, port + 1),
                () -> transcribeJobs.startDashboard(port + 1));
        own((AutoCloseable) transcribeDashboard::stop);
        log.info("JobRunr dashboards (operators only): ingest queue on port {}, transcribe queue on port {}",
                port, port + 1);
    }

    private ScriptoriumConfig.DatabaseSettings embeddedDatabase(Role role, ScriptoriumConfig config,
                                                                List<SupervisedService> supervised) throws Exception {
        EmbeddedDatabase embedded = own(EmbeddedDatabase.start(requireEmbedded(role, "DATABASE_URL", config)
                .dataDir()));
        supervised.add(embedded);
        return new ScriptoriumConfig.DatabaseSettings(embedded.jdbcUrl(), embedded.user(), null, 10);
    }

    private static EmbeddedSettings requireEmbedded(Role role, String variable, ScriptoriumConfig config) {
        if (!role.embeddedDefaults()) {
            throw new ConfigException(variable + " is required for the " + role.cliName()
                    + " role; only 'serve' starts embedded services");
        }
        return config.embedded();
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    public Optional<Integer> httpPort() {
        return Optional.ofNullable(web).map(WebServer::port);
    }

    /** The public HTTP server, where this role runs one; for tests that walk its routes. */
    public Optional<WebServer> web() {
        return Optional.ofNullable(web);
    }

    public Optional<Integer> managementPort() {
        return Optional.ofNullable(management).map(ManagementServer::port);
    }

    /** The first of the two JobRunr dashboard ports, if the dashboards run. */
    public Optional<Integer> dashboardPort() {
        return Optional.ofNullable(dashboardPort);
    }

    /** The line that says the role is ready, listing every port it listens on. */
    public String readyLine(long millis) {
        return ReadyLine.of(role, millis, httpHost, httpPort(), managementPort(), dashboardPort());
    }

    /** The jobs store; for tests and tools. */
    public TranscriptionJobs jobs() {
        return jobs;
    }

    /** Retention cleanup over this role's database and object store. */
    public RetentionCleanup cleanup() {
        return cleanup;
    }

    public Optional<TranscriptionWorker> worker() {
        return Optional.ofNullable(worker);
    }

    public Optional<ModelStatus> modelStatus() {
        return Optional.ofNullable(worker).map(TranscriptionWorker::status);
    }

    /**
     * Stops the role: the embedded servers' supervisor is stopped and a worker's children are killed first, so that
     * their jobs go back to the queue at once; then every resource is closed in the reverse order of its creation. A
     * close that takes long is logged by name.
     */
    @Override
    public synchronized void close() {
        if (supervisor != null) {
            closeQuietly(supervisor);
        }
        if (worker != null) {
            worker.beginStop();
        }
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            long started = System.nanoTime();
            closeQuietly(resource);
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (millis >= SLOW_CLOSE_MILLIS) {
                log.info("Closing {} took {} ms", resourceName(resource), millis);
            }
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            log.warn("Error while closing {}", resourceName(resource), e);
        }
    }

    private static String resourceName(AutoCloseable resource) {
        String name = resource.getClass().getSimpleName();
        return name.isEmpty() || name.contains("Lambda") ? resource.getClass().getName() : name;
    }
}
