package dev.scriptorium.queue;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.jobrunr.jobs.lambdas.IocJobLambda;
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

/**
 * One named queue: a JobRunr storage of its own (tables with the queue's prefix in the project's PostgreSQL).
 * JobRunr's open-source edition lets any server take any job from its storage, so keeping one storage per queue is
 * what keeps ingest work and transcription work on the servers meant for them. Enqueueing is idempotent: the
 * JobRunr job takes the transcription job's id. Thread-safe.
 */
public final class JobQueue implements AutoCloseable {
    private final String name;
    private final StorageProvider storage;
    private final JsonMapper json;
    private final JobScheduler scheduler;
    private BackgroundJobServer server;

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
                .andName(name)
                .andWorkerCount(workers)
                .andPollInterval(pollInterval)
                .andInterruptJobsAwaitDurationOnStopBackgroundJobServer(Duration.ofSeconds(10));
        server = new BackgroundJobServer(storage, json, activator, configuration);
        server.start();
    }

    public synchronized boolean serverRunning() {
        return server != null;
    }

    /** Stops this process's server, if any; running jobs are interrupted after a grace period and retried later. */
    public synchronized void stopServer() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    @Override
    public void close() {
        stopServer();
        storage.close();
    }
}
