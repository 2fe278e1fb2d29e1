import dev.scriptorium.database.Database;
import dev.scriptorium.embedded.EmbeddedDatabase;
import dev.scriptorium.embedded.EmbeddedObjectStore;
import dev.scriptorium.retention.CleanupReport;
import dev.scriptorium.retention.RetentionCleanup;
import dev.scriptorium.retention.RetentionSettings;
import dev.scriptorium.storage.ObjectStore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Retention cleanup benchmark. Run with bench/cleanup.sh. Sets up BENCH_JOBS (100,000) completed jobs that ended
 * 100 days ago, each with a transcript and a small media object, in an embedded PostgreSQL and an in-process S3Proxy
 * (filesystem store), then times one cleanup run that deletes them all. Prints the run's wall time, objects per
 * second and the peak heap during the run (S3Proxy serves the deletes from the same JVM, so the figure is an upper
 * bound for cleanup itself).
 */
public class CleanupBenchmark {
    static final int JOBS = Integer.parseInt(System.getenv().getOrDefault("BENCH_JOBS", "100000"));
    static final int BATCH = Integer.parseInt(System.getenv().getOrDefault("BENCH_BATCH", "1000"));

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("scriptorium-cleanup-bench");
        try (EmbeddedDatabase postgres = EmbeddedDatabase.start(work.resolve("postgres"));
             EmbeddedObjectStore s3 = EmbeddedObjectStore.start(work.resolve("objects"));
             Database database = Database.open(postgres.jdbcUrl(), postgres.user(), null, 20);
             ObjectStore store = new ObjectStore(s3.settings())) {
            store.ensureBucket();
            long started = System.nanoTime();
            List<UUID> ids = insertJobs(database);
            double rowsSeconds = (System.nanoTime() - started) / 1e9;
            started = System.nanoTime();
            putObjects(store, work, ids);
            double objectsSeconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(Locale.ROOT, "setup: %d expired completed jobs with transcripts in %.1f s, %d media "
                    + "objects in %.1f s%n", JOBS, rowsSeconds, JOBS, objectsSeconds);
            ids = null;

            RetentionSettings policy = new RetentionSettings(Duration.ofDays(7), Duration.ofDays(90),
                    Duration.ofDays(14), Duration.ofHours(24), "0 * * * *", BATCH);
            RetentionCleanup cleanup = new RetentionCleanup(database.dataSource(), store, policy, List.of(),
                    Clock.systemUTC());
            System.gc();
            long heapBefore = heapUsed();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            started = System.nanoTime();
            CleanupReport report = cleanup.run(false, deletion -> { });
            double seconds = (System.nanoTime() - started) / 1e9;
            long peak = heapPeak();
            System.out.println(report);
            System.out.printf(Locale.ROOT, "cleanup run: %d jobs and %d objects deleted in %.1f s = %.0f objects/s "
                    + "(%.0f jobs/s); batch %d; heap before %d MB, peak during %d MB (-Xmx %d MB, S3Proxy in the "
                    + "same JVM)%n", report.jobsDeleted(), report.jobsDeleted(), seconds,
                    report.jobsDeleted() / seconds, report.jobsDeleted() / seconds, BATCH, heapBefore >> 20,
                    peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
            if (report.jobsDeleted() != JOBS || !store.keys("media/").isEmpty()) {
                throw new IllegalStateException("the run left work behind: " + report);
            }
        } finally {
            try (var paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    static List<UUID> insertJobs(Database database) throws Exception {
        List<UUID> ids = new ArrayList<>(JOBS);
        Timestamp ended = Timestamp.from(Instant.now().minus(Duration.ofDays(100)));
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement job = connection.prepareStatement("insert into transcription_job (id, status,"
                    + " filename, task, media_key, media_size_bytes, created_at, completed_at, updated_at) values"
                    + " (?, 'COMPLETED', 'talk.mp4', 'TRANSCRIBE', ?, 64, ?, ?, ?)");
                 PreparedStatement transcript = connection.prepareStatement(
                         "insert into transcript (job_id, text, model, created_at) values (?, 'hello world', 'm', ?)")) {
                for (int i = 0; i < JOBS; i++) {
                    UUID id = UUID.randomUUID();
                    ids.add(id);
                    job.setObject(1, id);
                    job.setString(2, "media/" + id);
                    job.setTimestamp(3, ended);
                    job.setTimestamp(4, ended);
                    job.setTimestamp(5, ended);
                    job.addBatch();
                    transcript.setObject(1, id);
                    transcript.setTimestamp(2, ended);
                    transcript.addBatch();
                    if (i % 5000 == 4999) {
                        job.executeBatch();
                        transcript.executeBatch();
                    }
                }
                job.executeBatch();
                transcript.executeBatch();
            }
            connection.commit();
        }
        return ids;
    }

    static void putObjects(ObjectStore store, Path work, List<UUID> ids) throws Exception {
        Path body = Files.write(work.resolve("body"), new byte[64]);
        ExecutorService threads = Executors.newFixedThreadPool(16);
        AtomicLong done = new AtomicLong();
        List<Future<?>> parts = new ArrayList<>();
        int per = (ids.size() + 15) / 16;
        for (int t = 0; t < 16; t++) {
            List<UUID> part = ids.subList(Math.min(ids.size(), t * per), Math.min(ids.size(), (t + 1) * per));
            parts.add(threads.submit(() -> {
                for (UUID id : part) {
                    store.put("media/" + id, body, "application/octet-stream");
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> part : parts) {
            part.get();
        }
        threads.shutdown();
    }

    static long heapUsed() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getUsage().getUsed()).sum();
    }

    static long heapPeak() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }
}
