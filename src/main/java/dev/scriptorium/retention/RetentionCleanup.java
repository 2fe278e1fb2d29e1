package dev.scriptorium.retention;

import dev.scriptorium.storage.ObjectStore;
import dev.scriptorium.storage.ObjectStore.StoredObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One retention run: deletes expired jobs and media, objects no job refers to, and leftover local files, in batches.
 *
 * <p>Why it is safe: the database decides, objects follow. A job is deleted (or its media unlinked) by a statement
 * that re-checks, row by row, that the job has ended and is not on legal hold, and returns exactly the rows it
 * changed; only their objects are then deleted. A queued or processing job is never touched. If deleting an object
 * fails after the row changed, the object is an orphan, and a later run's orphan sweep takes it. Runs exclude each
 * other with a PostgreSQL advisory lock, so two at once give one run and one skip. A dry run walks the same queries
 * and reports what the real run would delete, deleting nothing.
 *
 * <p>Thread-safe; each run uses its own connections.
 */
public final class RetentionCleanup {
    private static final Logger log = LoggerFactory.getLogger(RetentionCleanup.class);
    /** The advisory lock's key: "scrpt-rc" in ASCII, so that it collides with nothing else of ours. */
    private static final long LOCK_KEY = 0x7363_7270_742d_7263L;
    private static final String ENDED = "status in ('COMPLETED', 'FAILED', 'CANCELED')";
    /** A whole job is due: its own delete_after if set, otherwise the policy for how it ended. */
    private static final String JOB_DUE = "(case when delete_after_seconds is not null "
            + "then completed_at + delete_after_seconds * interval '1 second' <= ? "
            + "when status = 'COMPLETED' then completed_at <= ? else completed_at <= ? end)";
    private static final List<String> OBJECT_PREFIXES = List.of("media/", "chunks/");
    private final DataSource dataSource;
    private final ObjectStore store;
    private final RetentionSettings settings;
    private final List<Path> localDirectories;
    private final Clock clock;

    /**
     * @param localDirectories the staging and work directories of this machine, swept for leftovers; a directory
     *                         that does not exist is skipped
     */
    public RetentionCleanup(DataSource dataSource, ObjectStore store, RetentionSettings settings,
                            List<Path> localDirectories, Clock clock) {
        this.dataSource = dataSource;
        this.store = store;
        this.settings = settings;
        this.localDirectories = List.copyOf(localDirectories);
        this.clock = clock;
    }

    /**
     * @param each told of every deletion as it happens (or would happen, in a dry run)
     */
    public CleanupReport run(boolean dryRun, Consumer<Deletion> each) throws SQLException, IOException {
        Instant started = clock.instant();
        long startedNanos = System.nanoTime();
        Tally tally = new Tally(each);
        try (Connection lock = dataSource.getConnection()) {
            if (!tryLock(lock)) {
                CleanupReport skipped = tally.report(started, startedNanos, dryRun,
                        CleanupReport.Outcome.SKIPPED_ANOTHER_RUN);
                log.info("{}", skipped);
                return skipped;
            }
            try {
                Instant now = clock.instant();
                expiredJobs(now, dryRun, tally);
                expiredMedia(now, dryRun, tally);
                orphanObjects(now, dryRun, tally);
                leftoverFiles(now, dryRun, tally);
            } finally {
                unlock(lock);
            }
        }
        CleanupReport report = tally.report(started, startedNanos, dryRun, CleanupReport.Outcome.DONE);
        record(report);
        log.info("{}", report);
        return report;
    }

    /** The runs so far, newest first; for the admin view and tests. */
    public List<CleanupReport> recentRuns(int limit) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("select started_at, ended_at, dry_run, outcome,"
                     + " jobs_deleted, media_deleted, orphans_deleted, files_deleted, bytes_freed from cleanup_run"
                     + " order by id desc limit ?")) {
            select.setInt(1, limit);
            List<CleanupReport> runs = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Instant startedAt = rows.getTimestamp(1).toInstant();
                    runs.add(new CleanupReport(startedAt, Duration.between(startedAt,
                            rows.getTimestamp(2).toInstant()), rows.getBoolean(3),
                            CleanupReport.Outcome.valueOf(rows.getString(4)), rows.getInt(5), rows.getInt(6),
                            rows.getInt(7), rows.getInt(8), rows.getLong(9)));
                }
            }
            return runs;
        }
    }

    private void expiredJobs(Instant now, boolean dryRun, Tally tally) throws SQLException {
        Timestamp deleteAfterNow = Timestamp.from(now);
        Timestamp completedCutoff = Timestamp.from(now.minus(settings.completedJob()));
        Timestamp failedCutoff = Timestamp.from(now.minus(settings.failedJob()));
        Keyset keyset = new Keyset();
        while (true) {
            List<JobRow> due;
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement select = connection.prepareStatement("select id, media_key, media_size_bytes,"
                         + " completed_at from transcription_job where " + ENDED + " and not legal_hold and "
                         + JOB_DUE + " and (completed_at, id) > (?, ?) order by completed_at, id limit ?")) {
                select.setTimestamp(1, deleteAfterNow);
                select.setTimestamp(2, completedCutoff);
                select.setTimestamp(3, failedCutoff);
                keyset.bind(select, 4);
                select.setInt(6, settings.batchSize());
                due = JobRow.readAll(select);
            }
            if (due.isEmpty()) {
                return;
            }
            keyset.advance(due.get(due.size() - 1));
            List<JobRow> deleted = dryRun ? due : deleteJobs(due, deleteAfterNow, completedCutoff, failedCutoff);
            deleteObjects(deleted.stream().flatMap(row -> row.mediaKey().stream()).toList(), dryRun);
            for (JobRow row : deleted) {
                tally.add(new Deletion(Deletion.Kind.JOB, row.id().toString(), row.mediaKey().isPresent()
                        ? row.mediaBytes() : 0));
            }
        }
    }

    /** Deletes the rows that are still due, re-checked row by row under lock; returns those it deleted. */
    private List<JobRow> deleteJobs(List<JobRow> due, Timestamp deleteAfterNow, Timestamp completedCutoff,
                                    Timestamp failedCutoff) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("delete from transcription_job where id = any(?)"
                     + " and " + ENDED + " and not legal_hold and " + JOB_DUE
                     + " returning id, media_key, media_size_bytes, completed_at")) {
            delete.setArray(1, ids(connection, due));
            delete.setTimestamp(2, deleteAfterNow);
            delete.setTimestamp(3, completedCutoff);
            delete.setTimestamp(4, failedCutoff);
            return JobRow.readAll(delete);
        }
    }

    private void expiredMedia(Instant now, boolean dryRun, Tally tally) throws SQLException {
        Timestamp mediaCutoff = Timestamp.from(now.minus(settings.media()));
        Timestamp deleteAfterNow = Timestamp.from(now);
        Timestamp completedCutoff = Timestamp.from(now.minus(settings.completedJob()));
        Timestamp failedCutoff = Timestamp.from(now.minus(settings.failedJob()));
        // A job with its own delete_after keeps its media until then; a job due as a whole is the other phase's.
        String due = ENDED + " and not legal_hold and media_key is not null and delete_after_seconds is null"
                + " and completed_at <= ? and not " + JOB_DUE;
        Keyset keyset = new Keyset();
        while (true) {
            List<JobRow> expired;
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement select = connection.prepareStatement("select id, media_key, media_size_bytes,"
                         + " completed_at from transcription_job where " + due
                         + " and (completed_at, id) > (?, ?) order by completed_at, id limit ?")) {
                select.setTimestamp(1, mediaCutoff);
                select.setTimestamp(2, deleteAfterNow);
                select.setTimestamp(3, completedCutoff);
                select.setTimestamp(4, failedCutoff);
                keyset.bind(select, 5);
                select.setInt(7, settings.batchSize());
                expired = JobRow.readAll(select);
            }
            if (expired.isEmpty()) {
                return;
            }
            keyset.advance(expired.get(expired.size() - 1));
            List<JobRow> unlinked = expired;
            if (!dryRun) {
                try (Connection connection = dataSource.getConnection();
                     PreparedStatement update = connection.prepareStatement("with target as (select id, media_key,"
                             + " media_size_bytes, completed_at from transcription_job where id = any(?) and " + due
                             + " for update) update transcription_job job set media_key = null, media_deleted_at = ?"
                             + " from target where job.id = target.id returning target.id, target.media_key,"
                             + " target.media_size_bytes, target.completed_at")) {
                    update.setArray(1, ids(connection, expired));
                    update.setTimestamp(2, mediaCutoff);
                    update.setTimestamp(3, deleteAfterNow);
                    update.setTimestamp(4, completedCutoff);
                    update.setTimestamp(5, failedCutoff);
                    update.setTimestamp(6, Timestamp.from(now));
                    unlinked = JobRow.readAll(update);
                }
            }
            deleteObjects(unlinked.stream().flatMap(row -> row.mediaKey().stream()).toList(), dryRun);
            for (JobRow row : unlinked) {
                tally.add(new Deletion(Deletion.Kind.MEDIA, row.mediaKey().orElseThrow(), row.mediaBytes()));
            }
        }
    }

    /**
     * Objects under our prefixes, older than the grace period, that no job refers to: media of a job that is gone
     * or no longer points at it, chunk audio of a job that is gone or has ended.
     */
    private void orphanObjects(Instant now, boolean dryRun, Tally tally) {
        Instant cutoff = now.minus(settings.orphanGrace());
        for (String prefix : OBJECT_PREFIXES) {
            List<StoredObject> candidates = new ArrayList<>();
            store.walk(prefix, page -> {
                for (StoredObject object : page) {
                    if (!object.lastModified().isAfter(cutoff)) {
                        candidates.add(object);
                    }
                }
                if (candidates.size() >= settings.batchSize()) {
                    sweep(prefix, candidates, dryRun, tally);
                    candidates.clear();
                }
            });
            sweep(prefix, candidates, dryRun, tally);
        }
    }

    private void sweep(String prefix, List<StoredObject> candidates, boolean dryRun, Tally tally) {
        if (candidates.isEmpty()) {
            return;
        }
        Map<UUID, JobState> jobs;
        try {
            jobs = jobStates(candidates.stream().flatMap(object -> jobIdOf(prefix, object.key()).stream()).toList());
        } catch (SQLException e) {
            throw new IllegalStateException("Could not look up the jobs of stored objects", e);
        }
        List<StoredObject> orphans = new ArrayList<>();
        for (StoredObject object : candidates) {
            Optional<UUID> jobId = jobIdOf(prefix, object.key());
            JobState job = jobId.map(jobs::get).orElse(null);
            boolean orphan = job == null
                    || (job.ended() && (prefix.equals("chunks/") || !object.key().equals(job.mediaKey())));
            if (orphan) {
                orphans.add(object);
            }
        }
        deleteObjects(orphans.stream().map(StoredObject::key).toList(), dryRun);
        orphans.forEach(object -> tally.add(new Deletion(Deletion.Kind.ORPHAN, object.key(), object.size())));
    }

    /** media/ID or chunks/ID/...: the job the object belongs to, if the key names one. */
    private static Optional<UUID> jobIdOf(String prefix, String key) {
        String rest = key.substring(prefix.length());
        int slash = rest.indexOf('/');
        String id = slash >= 0 ? rest.substring(0, slash) : rest;
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private record JobState(String status, String mediaKey) {
        boolean ended() {
            return !status.equals("QUEUED") && !status.equals("PROCESSING");
        }
    }

    private Map<UUID, JobState> jobStates(List<UUID> ids) throws SQLException {
        Map<UUID, JobState> states = new HashMap<>();
        if (ids.isEmpty()) {
            return states;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "select id, status, media_key from transcription_job where id = any(?)")) {
            select.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    states.put(rows.getObject(1, UUID.class), new JobState(rows.getString(2), rows.getString(3)));
                }
            }
        }
        return states;
    }

    /**
     * Staged uploads and worker temp directories (named by job id) older than the grace period whose job is not
     * queued or processing, and partial uploads older than the grace period.
     */
    private void leftoverFiles(Instant now, boolean dryRun, Tally tally) throws IOException, SQLException {
        Instant cutoff = now.minus(settings.orphanGrace());
        for (Path directory : localDirectories) {
            if (!Files.isDirectory(directory)) {
                continue;
            }
            List<Path> old = new ArrayList<>();
            List<Path> leftovers = new ArrayList<>();
            try (Stream<Path> entries = Files.list(directory)) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    if (Files.isDirectory(entry) && entry.getFileName().toString().equals(RESUMABLE)) {
                        leftovers.addAll(idleResumableUploads(entry, cutoff));
                    } else if (Files.isDirectory(entry) && entry.getFileName().toString().equals("incoming")) {
                        // Partial uploads: the web server's temp files, whatever their (unknown) job.
                        try (Stream<Path> partial = Files.list(entry)) {
                            for (Path file : (Iterable<Path>) partial::iterator) {
                                if (Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
                                    leftovers.add(file);
                                }
                            }
                        }
                    } else if (Files.getLastModifiedTime(entry).toInstant().isBefore(cutoff)) {
                        old.add(entry);
                    }
                }
            }
            // One lookup for the directory's old entries, not one per entry.
            Map<UUID, JobState> jobs = jobStates(old.stream()
                    .flatMap(entry -> leadingJobId(entry.getFileName().toString()).stream()).toList());
            for (Path entry : old) {
                Optional<UUID> jobId = leadingJobId(entry.getFileName().toString());
                if (jobId.isPresent() && (!jobs.containsKey(jobId.get()) || jobs.get(jobId.get()).ended())) {
                    leftovers.add(entry);
                }
            }
            for (Path leftover : leftovers) {
                long bytes = sizeOf(leftover);
                if (!dryRun) {
                    deleteTree(leftover);
                }
                tally.add(new Deletion(Deletion.Kind.FILE, directory.getFileName() + "/"
                        + directory.relativize(leftover), bytes));
            }
        }
    }

    /** The staging folder of resumable uploads (see {@code ResumableUploads}), in tus-java-server's layout. */
    private static final String RESUMABLE = "resumable";

    /**
     * Resumable uploads that nothing has been written to since the cutoff: each upload is a folder of its bytes and
     * its state ({@code uploads/ID/}), and every byte that arrives touches one of them. Lock files of the same age
     * go too.
     */
    private static List<Path> idleResumableUploads(Path folder, Instant cutoff) throws IOException {
        List<Path> idle = new ArrayList<>();
        for (String part : List.of("uploads", "locks")) {
            Path parts = folder.resolve(part);
            if (!Files.isDirectory(parts)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(parts)) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    if (lastWritten(entry).isBefore(cutoff)) {
                        idle.add(entry);
                    }
                }
            }
        }
        return idle;
    }

    /** The newest modification time of a file, or of anything in a folder. */
    private static Instant lastWritten(Path path) throws IOException {
        try (Stream<Path> files = Files.walk(path)) {
            Instant newest = Instant.EPOCH;
            for (Path file : (Iterable<Path>) files::iterator) {
                Instant written = Files.getLastModifiedTime(file).toInstant();
                newest = written.isAfter(newest) ? written : newest;
            }
            return newest;
        }
    }

    /** "ID" or "ID-chunk-123": the job a local file or directory belongs to. */
    private static Optional<UUID> leadingJobId(String name) {
        if (name.length() < 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(name.substring(0, 36)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static long sizeOf(Path path) throws IOException {
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private void deleteObjects(List<String> keys, boolean dryRun) {
        if (!dryRun && !keys.isEmpty()) {
            store.deleteAll(keys);
        }
    }

    private void record(CleanupReport report) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("insert into cleanup_run (started_at, ended_at,"
                     + " dry_run, outcome, jobs_deleted, media_deleted, orphans_deleted, files_deleted, bytes_freed)"
                     + " values (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setTimestamp(1, Timestamp.from(report.startedAt()));
            insert.setTimestamp(2, Timestamp.from(report.startedAt().plus(report.duration())));
            insert.setBoolean(3, report.dryRun());
            insert.setString(4, report.outcome().name());
            insert.setInt(5, report.jobsDeleted());
            insert.setInt(6, report.mediaDeleted());
            insert.setInt(7, report.orphansDeleted());
            insert.setInt(8, report.filesDeleted());
            insert.setLong(9, report.bytesFreed());
            insert.executeUpdate();
        }
    }

    private static boolean tryLock(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
            lock.setLong(1, LOCK_KEY);
            try (ResultSet result = lock.executeQuery()) {
                result.next();
                return result.getBoolean(1);
            }
        }
    }

    private static void unlock(Connection connection) throws SQLException {
        try (PreparedStatement unlock = connection.prepareStatement("select pg_advisory_unlock(?)")) {
            unlock.setLong(1, LOCK_KEY);
            unlock.execute();
        }
    }

    private static Array ids(Connection connection, List<JobRow> rows) throws SQLException {
        return connection.createArrayOf("uuid", rows.stream().map(JobRow::id).toArray());
    }

    /** The fields of a job row that cleanup needs. */
    private record JobRow(UUID id, Optional<String> mediaKey, long mediaBytes, Timestamp completedAt) {
        static List<JobRow> readAll(PreparedStatement statement) throws SQLException {
            List<JobRow> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(new JobRow(result.getObject(1, UUID.class), Optional.ofNullable(result.getString(2)),
                            result.getLong(3), result.getTimestamp(4)));
                }
            }
            return rows;
        }
    }

    /** Where the last batch ended, in (completed_at, id) order, so that the next batch starts after it. */
    private static final class Keyset {
        private Timestamp completedAt = new Timestamp(0);
        private UUID id = new UUID(0, 0);

        void bind(PreparedStatement statement, int index) throws SQLException {
            statement.setTimestamp(index, completedAt);
            statement.setObject(index + 1, id);
        }

        void advance(JobRow last) {
            completedAt = last.completedAt();
            id = last.id();
        }
    }

    /** Counts deletions and passes each on. */
    private static final class Tally {
        private final Consumer<Deletion> each;
        private int jobs;
        private int media;
        private int orphans;
        private int files;
        private long bytes;

        Tally(Consumer<Deletion> each) {
            this.each = each;
        }

        synchronized void add(Deletion deletion) {
            switch (deletion.kind()) {
                case JOB -> jobs++;
                case MEDIA -> media++;
                case ORPHAN -> orphans++;
                case FILE -> files++;
            }
            bytes += deletion.bytes();
            each.accept(deletion);
        }

        synchronized CleanupReport report(Instant started, long startedNanos, boolean dryRun,
                                          CleanupReport.Outcome outcome) {
            return new CleanupReport(started, Duration.ofNanos(System.nanoTime() - startedNanos), dryRun, outcome,
                    jobs, media, orphans, files, bytes);
        }
    }
}
