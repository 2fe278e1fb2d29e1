package dev.scriptorium.queue;

import dev.scriptorium.app.ProcessName;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jobrunr.dashboard.JobRunrDashboardWebServer;
import org.jobrunr.dashboard.JobRunrDashboardWebServerConfiguration;
import org.jobrunr.jobs.lambdas.IocJobLambda;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.jobs.mappers.JobMapper;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.server.JobActivator;
import org.jobrunr.storage.BackgroundJobServerStatus;
import org.jobrunr.storage.JobNotFoundException;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.StorageProviderUtils.DatabaseOptions;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.jobrunr.utils.mapper.JsonMapper;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One named queue: a JobRunr storage of its own (tables with the queue's prefix in the project's PostgreSQL).
 * JobRunr's open-source edition lets any server take any job from its storage, so keeping one storage per queue is
 * what keeps ingest work and transcription work on the servers meant for them. Enqueueing is idempotent: the
 * JobRunr job takes the transcription job's id. Thread-safe.
 */
public final class JobQueue implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobQueue.class);
    private static final long WATCH_SECONDS = 5;
    private final String name;
    private final StorageProvider storage;
    private final JsonMapper json;
    private final JobScheduler scheduler;
    private BackgroundJobServer server;
    private ScheduledExecutorService watchdog;

    public JobQueue(String name, DataSource dataSource) {
        this.name = name;
        // Jackson 2 chosen explicitly: S3Proxy brings Jackson 3, which JobRunr would otherwise prefer.
        this.json = new JacksonJsonMapper();
        this.storage = new PostgresStorageProvider(dataSource, name + "_", DatabaseOptions.CREATE);
        this.storage.setJobMapper(new JobMapper(json));
        this.scheduler = new JobScheduler(storage);
    }

    public String name() {
        return name;
    }

    /** Adds the job unless one with this id is already in the queue's storage. */
    public <S> void enqueue(UUID id, IocJobLambda<S> job) {
        if (contains(id)) {
            return;
        }
        scheduler.enqueue(id, job);
        wakeLocalServer();
    }

    /**
     * JobRunr's servers poll every few seconds (5 s at least on SQL storage); when this process runs the queue's
     * server itself, it is asked to look for work now instead. JobRunr does the same when a worker turns idle.
     * Servers in other processes still find the job on their next poll.
     */
    private synchronized void wakeLocalServer() {
        if (server != null && server.isRunning()) {
            server.getJobSteward().notifyThreadOccupied();
            server.getJobSteward().notifyThreadIdle();
        }
    }

    /** Adds the job to run at {@code at}, unless one with this id is already in the queue's storage. */
    public <S> void schedule(UUID id, java.time.Instant at, IocJobLambda<S> job) {
        if (contains(id)) {
            return;
        }
        scheduler.schedule(id, at, job);
    }

    /** What {@link #ensureEnqueued} found. */
    public enum Ensured {
        /** Waiting, scheduled for a retry, or running: nothing to do. */
        PRESENT,
        /** Missing: enqueued now. */
        ENQUEUED,
        /** It had ended (succeeded, failed or deleted) although its work was not done: enqueued again. */
        REVIVED
    }

    /**
     * Makes sure the job is waiting or running: enqueues it if JobRunr has never heard of it, and enqueues it again
     * if JobRunr thinks it ended. For the reconciler, when the project's own row says the work is not done.
     */
    public synchronized <S> Ensured ensureEnqueued(UUID id, IocJobLambda<S> job) {
        org.jobrunr.jobs.Job existing;
        try {
            existing = storage.getJobById(id);
        } catch (JobNotFoundException e) {
            scheduler.enqueue(id, job);
            wakeLocalServer();
            return Ensured.ENQUEUED;
        }
        StateName state = existing.getState();
        if (state == StateName.SUCCEEDED || state == StateName.FAILED || state == StateName.DELETED) {
            existing.enqueue();
            storage.save(existing);
            wakeLocalServer();
            return Ensured.REVIVED;
        }
        return Ensured.PRESENT;
    }

    /** Creates or updates a recurring job; it fires on the master server of this queue (cron in UTC). */
    public <S> void scheduleRecurrently(String id, String cron, IocJobLambda<S> job) {
        scheduler.scheduleRecurrently(id, cron, java.time.ZoneOffset.UTC, job);
    }

    /** JobRunr's dashboard for this queue, on an operator-only port. Stop it before closing the queue. */
    public JobRunrDashboardWebServer startDashboard(int port) {
        JobRunrDashboardWebServer dashboard = new JobRunrDashboardWebServer(storage, json,
                JobRunrDashboardWebServerConfiguration.usingStandardDashboardConfiguration().andPort(port)
                        .andAllowAnonymousDataUsage(false));
        dashboard.start();
        return dashboard;
    }

    public boolean contains(UUID id) {
        try {
            storage.getJobById(id);
            return true;
        } catch (JobNotFoundException e) {
            return false;
        }
    }

    /** Worker threads of every running server of this queue, in any process; servers that stopped beating drop out. */
    public int workerCount() {
        return storage.getBackgroundJobServers().stream()
                .filter(BackgroundJobServerStatus::isRunning)
                .mapToInt(BackgroundJobServerStatus::getWorkerPoolSize)
                .sum();
    }

    /**
     * Starts this process's server for the queue: {@code workers} threads taking jobs, whose handler instances come
     * from {@code handlers} (wired by hand in the composition root, never by reflection).
     */
    public synchronized void startServer(int workers, Duration pollInterval, Map<Class<?>, Object> handlers) {
        if (server != null) {
            throw new IllegalStateException("The " + name + " queue's server is already running");
        }
        server = newServer(workers, pollInterval, handlers);
        server.start();
        // JobRunr's open-source server stops itself for good when its heartbeat meets a database error (a PostgreSQL
        // restart, a failover): a watch starts a new one, so that the queue serves again once the database is back.
        watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name + "-queue-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        watchdog.scheduleWithFixedDelay(() -> restartIfStopped(workers, pollInterval, handlers),
                WATCH_SECONDS, WATCH_SECONDS, TimeUnit.SECONDS);
    }

    private synchronized void restartIfStopped(int workers, Duration pollInterval, Map<Class<?>, Object> handlers) {
        if (server == null || !stopped(server)) {
            return;
        }
        log.warn("The {} queue's job server stopped by itself (JobRunr does so after a database error); starting"
                + " a new one", name);
        try {
            BackgroundJobServer replacement = newServer(workers, pollInterval, handlers);
            replacement.start();
            server = replacement;
        } catch (RuntimeException e) {
            log.warn("Could not start the {} queue's job server yet: {}", name, e.toString());
        }
    }

    /** Not running, and no job in hand: JobRunr's stop waits for running jobs before it ends. */
    private static boolean stopped(BackgroundJobServer server) {
        return !server.isRunning() && server.getJobSteward().getOccupiedWorkerCount() == 0;
    }

    private BackgroundJobServer newServer(int workers, Duration pollInterval, Map<Class<?>, Object> handlers) {
        JobActivator activator = new JobActivator() {
            @Override
            public <T> T activateJob(Class<T> type) {
                Object handler = handlers.get(type);
                if (handler == null) {
                    throw new IllegalStateException("No handler for " + type.getName() + " on queue " + name);
                }
                return type.cast(handler);
            }
        };
        BackgroundJobServerConfiguration configuration = BackgroundJobServerConfiguration
                .usingStandardBackgroundJobServerConfiguration()
                // Which process ran a job stays visible in the job's history and on the dashboard.
                .andName(name + "/" + ProcessName.current())
                .andWorkerCount(workers)
                .andPollInterval(pollInterval)
                // A stop must end well within the 30 s that Kubernetes and systemd allow; interrupted jobs are retried.
                .andInterruptJobsAwaitDurationOnStopBackgroundJobServer(Duration.ofSeconds(5));
        return new BackgroundJobServer(storage, json, activator, configuration);
    }

    /** This process's server of the queue right now, if any; for tests. */
    synchronized Optional<BackgroundJobServer> currentServer() {
        return Optional.ofNullable(server);
    }

    public synchronized boolean serverRunning() {
        return server != null;
    }

    /** Stops this process's server, if any; running jobs are interrupted after a grace period and retried later. */
    public void stopServer() {
        ScheduledExecutorService watch;
        BackgroundJobServer running;
        synchronized (this) {
            watch = watchdog;
            running = server;
            watchdog = null;
            server = null;
        }
        if (watch != null) {
            watch.shutdownNow();
        }
        if (running != null) {
            running.stop();
        }
    }

    @Override
    public void close() {
        stopServer();
        storage.close();
    }
}
