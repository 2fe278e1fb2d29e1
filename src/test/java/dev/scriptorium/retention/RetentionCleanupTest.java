package dev.scriptorium.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.database.Database;
import dev.scriptorium.embedded.EmbeddedObjectStore;
import dev.scriptorium.storage.ObjectStore;
import dev.scriptorium.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Retention cleanup against a real PostgreSQL and a real S3Proxy. Policy: media 7 days, jobs 90, failed 14. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetentionCleanupTest {
    private static final RetentionSettings POLICY = new RetentionSettings(Duration.ofDays(7), Duration.ofDays(90),
            Duration.ofDays(14), Duration.ofHours(24), "0 * * * *", 3);
    @TempDir
    static Path dir;
    private TestDatabase testDatabase;
    private EmbeddedObjectStore s3;
    private Database database;
    private ObjectStore store;
    private Path staging;
    private Path work;

    @BeforeAll
    void start() throws Exception {
        testDatabase = TestDatabase.create();
        s3 = EmbeddedObjectStore.start(dir.resolve("objects"));
        database = Database.open(testDatabase.jdbcUrl(), testDatabase.user(), null, 8);
        store = new ObjectStore(s3.settings());
        store.ensureBucket();
    }

    @AfterAll
    void stop() throws Exception {
        store.close();
        database.close();
        s3.close();
        testDatabase.close();
    }

    @BeforeEach
    void emptyEverything() throws Exception {
        try (Connection connection = testDatabase.connect()) {
            connection.createStatement().execute("delete from transcription_job; delete from cleanup_run");
        }
        store.deleteAll(store.keys(""));
        staging = Files.createDirectories(dir.resolve("staging-" + UUID.randomUUID()));
        work = Files.createDirectories(dir.resolve("work-" + UUID.randomUUID()));
    }

    private RetentionCleanup cleanup(Clock clock) {
        return new RetentionCleanup(database.dataSource(), store, POLICY, List.of(staging, work), clock);
    }

    private RetentionCleanup cleanup() {
        return cleanup(Clock.systemUTC());
    }

    /** A job row (and its media object, if {@code withMedia}) that ended {@code endedAgo} ago, or never ended. */
    private UUID job(String status, Duration endedAgo, boolean withMedia) throws Exception {
        UUID id = UUID.randomUUID();
        Instant now = Instant.now();
        String key = withMedia ? "media/" + id : null;
        boolean ended = !status.equals("QUEUED") && !status.equals("PROCESSING");
        try (Connection connection = testDatabase.connect();
             PreparedStatement insert = connection.prepareStatement("insert into transcription_job (id, status, stage,"
                     + " filename, task, media_key, media_size_bytes, created_at, completed_at, updated_at)"
                     + " values (?, ?, ?, 'talk.mp4', 'TRANSCRIBE', ?, 5, ?, ?, ?)")) {
            insert.setObject(1, id);
            insert.setString(2, status);
            insert.setString(3, status.equals("PROCESSING") ? "TRANSCRIBING" : null);
            insert.setString(4, key);
            insert.setTimestamp(5, Timestamp.from(now.minus(endedAgo).minusSeconds(60)));
            insert.setTimestamp(6, ended ? Timestamp.from(now.minus(endedAgo)) : null);
            insert.setTimestamp(7, Timestamp.from(now.minus(endedAgo)));
            insert.executeUpdate();
        }
        if (status.equals("COMPLETED")) {
            try (Connection connection = testDatabase.connect();
                 PreparedStatement insert = connection.prepareStatement(
                         "insert into transcript (job_id, text, model, created_at) values (?, 'hello', 'm', now())")) {
                insert.setObject(1, id);
                insert.executeUpdate();
            }
        }
        if (withMedia) {
            putObject(key);
        }
        return id;
    }

    private void putObject(String key) throws Exception {
        Path file = Files.writeString(dir.resolve("object-" + UUID.randomUUID()), "12345");
        store.put(key, file, "application/octet-stream");
    }

    private void set(String sql, Object... parameters) throws Exception {
        try (Connection connection = testDatabase.connect();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }

    private boolean rowExists(UUID id) throws Exception {
        return testDatabase.count("select count(*) from transcription_job where id = ?", id) == 1;
    }

    private List<Deletion> run(RetentionCleanup cleanup, boolean dryRun) throws Exception {
        List<Deletion> deletions = Collections.synchronizedList(new ArrayList<>());
        cleanup.run(dryRun, deletions::add);
        return deletions;
    }

    @Test
    void expiredMediaLeavesTheStoreAndTheDatabaseInOneRunWhileTheTranscriptStays() throws Exception {
        UUID id = job("COMPLETED", Duration.ofDays(8), true);

        CleanupReport report = cleanup().run(false, deletion -> { });

        assertThat(report.mediaDeleted()).isEqualTo(1);
        assertThat(report.bytesFreed()).isEqualTo(5);
        assertThat(store.exists("media/" + id)).isFalse();
        assertThat(testDatabase.count("select count(*) from transcription_job where id = ? and media_key is null"
                + " and media_deleted_at is not null", id)).isEqualTo(1);
        assertThat(testDatabase.count("select count(*) from transcript where job_id = ?", id)).isEqualTo(1);
    }

    @Test
    void theTranscriptGoesWithItsJobOnlyOnceTheJobsOwnPeriodEnds() throws Exception {
        UUID young = job("COMPLETED", Duration.ofDays(89), false);
        UUID old = job("COMPLETED", Duration.ofDays(91), true);

        cleanup().run(false, deletion -> { });

        assertThat(rowExists(young)).isTrue();
        assertThat(testDatabase.count("select count(*) from transcript where job_id = ?", young)).isEqualTo(1);
        assertThat(rowExists(old)).isFalse();
        assertThat(testDatabase.count("select count(*) from transcript where job_id = ?", old)).isZero();
        assertThat(store.exists("media/" + old)).isFalse();
    }

    @Test
    void failedAndCanceledJobsGoAfterTheirOwnPeriod() throws Exception {
        UUID failedLongAgo = job("FAILED", Duration.ofDays(15), true);
        UUID canceledLongAgo = job("CANCELED", Duration.ofDays(15), false);
        UUID failedRecently = job("FAILED", Duration.ofDays(10), true);

        cleanup().run(false, deletion -> { });

        assertThat(rowExists(failedLongAgo)).isFalse();
        assertThat(rowExists(canceledLongAgo)).isFalse();
        assertThat(store.exists("media/" + failedLongAgo)).isFalse();
        assertThat(rowExists(failedRecently)).isTrue();
        assertThat(store.exists("media/" + failedRecently)).isFalse();
    }

    @Test
    void aJobsOwnDeleteAfterOverridesThePolicyBothWays() throws Exception {
        UUID soon = job("COMPLETED", Duration.ofHours(2), true);
        set("update transcription_job set delete_after_seconds = 3600 where id = ?", soon);
        UUID late = job("COMPLETED", Duration.ofDays(100), true);
        set("update transcription_job set delete_after_seconds = ? where id = ?", Duration.ofDays(120).toSeconds(),
                late);

        cleanup().run(false, deletion -> { });

        assertThat(rowExists(soon)).isFalse();
        assertThat(store.exists("media/" + soon)).isFalse();
        assertThat(rowExists(late)).isTrue();
        assertThat(store.exists("media/" + late)).isTrue();
    }

    @Test
    void aJobUnderLegalHoldIsKeptWithItsMediaAndTranscript() throws Exception {
        UUID held = job("COMPLETED", Duration.ofDays(400), true);
        set("update transcription_job set legal_hold = true where id = ?", held);

        List<Deletion> deletions = run(cleanup(Clock.offset(Clock.systemUTC(), Duration.ofDays(2))), false);

        assertThat(deletions).isEmpty();
        assertThat(rowExists(held)).isTrue();
        assertThat(store.exists("media/" + held)).isTrue();
        assertThat(testDatabase.count("select count(*) from transcript where job_id = ?", held)).isEqualTo(1);
    }

    @Test
    void anOldJobStillQueuedOrProcessingIsKeptWithItsMediaAndChunks() throws Exception {
        UUID queued = job("QUEUED", Duration.ofDays(400), true);
        UUID processing = job("PROCESSING", Duration.ofDays(400), true);
        putObject("chunks/" + processing + "/0-16000.f32");
        Files.createDirectories(work.resolve(processing.toString()));
        Files.writeString(staging.resolve(queued.toString()), "staged upload");
        makeOld(work.resolve(processing.toString()));
        makeOld(staging.resolve(queued.toString()));

        List<Deletion> deletions = run(cleanup(Clock.offset(Clock.systemUTC(), Duration.ofDays(2))), false);

        assertThat(deletions).isEmpty();
        assertThat(rowExists(queued)).isTrue();
        assertThat(rowExists(processing)).isTrue();
        assertThat(store.keys("")).containsExactlyInAnyOrder("media/" + queued, "media/" + processing,
                "chunks/" + processing + "/0-16000.f32");
        assertThat(work.resolve(processing.toString())).exists();
        assertThat(staging.resolve(queued.toString())).exists();
    }

    @Test
    void orphanObjectsAreSweptOnceOlderThanTheGracePeriodAndNotBefore() throws Exception {
        UUID ended = job("COMPLETED", Duration.ofDays(1), true);
        UUID running = job("PROCESSING", Duration.ofDays(1), true);
        String noJob = "media/" + UUID.randomUUID();
        String chunkOfEndedJob = "chunks/" + ended + "/0-16000.f32";
        String chunkOfRunningJob = "chunks/" + running + "/0-16000.f32";
        for (String key : List.of(noJob, chunkOfEndedJob, chunkOfRunningJob)) {
            putObject(key);
        }

        List<Deletion> young = run(cleanup(), false);
        assertThat(young).isEmpty();
        assertThat(store.exists(noJob)).isTrue();

        List<Deletion> old = run(cleanup(Clock.offset(Clock.systemUTC(), Duration.ofHours(25))), false);

        assertThat(old).extracting(Deletion::target).containsExactlyInAnyOrder(noJob, chunkOfEndedJob);
        assertThat(old).allMatch(deletion -> deletion.kind() == Deletion.Kind.ORPHAN);
        assertThat(store.keys("")).containsExactlyInAnyOrder("media/" + ended, "media/" + running,
                chunkOfRunningJob);
    }

    @Test
    void leftoverLocalFilesGoOnceOldButAQueuedJobsStagedUploadStays() throws Exception {
        UUID queued = job("QUEUED", Duration.ofHours(30), false);
        Path staged = Files.writeString(staging.resolve(queued.toString()), "waiting for ingest");
        Path abandoned = Files.writeString(staging.resolve(UUID.randomUUID().toString()), "job never recorded");
        Path partial = Files.writeString(Files.createDirectories(staging.resolve("incoming")).resolve("part-1"),
                "half an upload");
        Path workLeftover = Files.createDirectories(work.resolve(UUID.randomUUID() + "-chunk-16000"));
        Files.writeString(workLeftover.resolve("chunk.f32"), "samples");
        Path fresh = Files.writeString(staging.resolve(UUID.randomUUID().toString()), "just uploaded");
        for (Path path : List.of(staged, abandoned, partial, workLeftover)) {
            makeOld(path);
        }

        List<Deletion> deletions = run(cleanup(), false);

        assertThat(deletions).allMatch(deletion -> deletion.kind() == Deletion.Kind.FILE).hasSize(3);
        assertThat(abandoned).doesNotExist();
        assertThat(partial).doesNotExist();
        assertThat(workLeftover).doesNotExist();
        assertThat(staged).exists();
        assertThat(fresh).exists();
    }

    @Test
    void twoRunsAtOnceGiveNoErrorAndDeleteEachObjectOnce() throws Exception {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            UUID id = job(i % 2 == 0 ? "COMPLETED" : "FAILED", Duration.ofDays(200), true);
            keys.add("media/" + id);
        }
        List<Deletion> deletions = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<CleanupReport>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                runs.add(threads.submit(() -> {
                    go.await();
                    return cleanup().run(false, deletions::add);
                }));
            }
            go.countDown();
            for (Future<CleanupReport> run : runs) {
                run.get();
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(deletions).hasSize(20);
        assertThat(deletions).extracting(Deletion::target).doesNotHaveDuplicates();
        assertThat(store.keys("media/")).isEmpty();
        for (String key : keys) {
            assertThat(store.exists(key)).isFalse();
        }
        assertThat(testDatabase.count("select count(*) from transcription_job")).isZero();
    }

    @Test
    void aDryRunDeletesNothingAndReportsExactlyWhatTheRealRunThenDeletes() throws Exception {
        job("COMPLETED", Duration.ofDays(8), true);
        job("COMPLETED", Duration.ofDays(91), true);
        job("FAILED", Duration.ofDays(15), true);
        job("COMPLETED", Duration.ofDays(3), true);
        UUID ended = job("COMPLETED", Duration.ofDays(1), true);
        putObject("media/" + UUID.randomUUID());
        putObject("chunks/" + ended + "/0-16000.f32");
        Path abandoned = Files.writeString(staging.resolve(UUID.randomUUID().toString()), "job never recorded");
        makeOld(abandoned);
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(25));
        List<String> objectsBefore = store.keys("");
        long rowsBefore = testDatabase.count("select count(*) from transcription_job");

        List<Deletion> planned = run(cleanup(later), true);

        assertThat(store.keys("")).isEqualTo(objectsBefore);
        assertThat(testDatabase.count("select count(*) from transcription_job")).isEqualTo(rowsBefore);
        assertThat(testDatabase.count("select count(*) from transcription_job where media_key is null")).isZero();
        assertThat(abandoned).exists();
        assertThat(testDatabase.count("select count(*) from cleanup_run where dry_run")).isEqualTo(1);

        List<Deletion> done = run(cleanup(later), false);

        // Media of the 8-day job, the 91-day and the failed job, two orphans, one file.
        assertThat(planned).hasSize(6);
        assertThat(new HashSet<>(done)).isEqualTo(new HashSet<>(planned));
        assertThat(done).hasSameSizeAs(planned);
    }

    @Test
    void eachRunRecordsItsReport() throws Exception {
        job("COMPLETED", Duration.ofDays(91), true);

        cleanup().run(false, deletion -> { });

        List<CleanupReport> runs = cleanup().recentRuns(5);
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).jobsDeleted()).isEqualTo(1);
        assertThat(runs.get(0).bytesFreed()).isEqualTo(5);
        assertThat(runs.get(0).dryRun()).isFalse();
    }

    private static void makeOld(Path path) throws Exception {
        Files.setLastModifiedTime(path, FileTime.from(Instant.now().minus(Duration.ofHours(30))));
    }
}
