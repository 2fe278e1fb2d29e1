package dev.scriptorium.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scriptorium.database.Database;
import dev.scriptorium.embedded.EmbeddedObjectStore;
import dev.scriptorium.ingest.IngestQueue;
import dev.scriptorium.ingest.IngestStep;
import dev.scriptorium.ingest.UploadStaging;
import dev.scriptorium.ingest.Uploads;
import dev.scriptorium.media.QuietChunker;
import dev.scriptorium.queue.JobQueue;
import dev.scriptorium.sandbox.SandboxSettings;
import dev.scriptorium.sandbox.TimeLimits;
import dev.scriptorium.sandbox.WorkerSlots;
import dev.scriptorium.metrics.Metrics;
import dev.scriptorium.speech.SpeechSettings;
import dev.scriptorium.storage.ObjectStore;
import dev.scriptorium.storage.StorageSettings;
import dev.scriptorium.testing.TestDatabase;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestModels;
import dev.scriptorium.app.Json;
import dev.scriptorium.transcription.ChunkCheckpoints;
import dev.scriptorium.transcription.ChunkClaims;
import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.transcription.JobStatus;
import dev.scriptorium.transcription.PipelineSettings;
import dev.scriptorium.transcription.TranscribeStep;
import dev.scriptorium.transcription.Transcriber;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.transcription.TranscriptionJobs;
import dev.scriptorium.transcription.TranscriptionQueue;
import dev.scriptorium.whisper.WhisperSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Each job step run twice, or run again after being cut off, does no harm: one object, one queue entry, one
 * transcript. The steps are wired by hand here (no job servers) so that the test decides when each runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StepsRunTwiceTest {
    private static final SandboxSettings SANDBOX = new SandboxSettings(1, List.of("-Xmx256m"), "cpu",
            Optional.empty(), 1, new TimeLimits(Duration.ofMinutes(2), Duration.ofMinutes(10), 4,
                    Duration.ofMinutes(2)),
            Duration.ofMinutes(2));
    @TempDir
    static Path dir;
    private TestDatabase testDatabase;
    private EmbeddedObjectStore s3;
    private Database database;
    private ObjectStore store;
    private JobQueue ingestJobs;
    private JobQueue transcribeJobs;
    private WorkerSlots slots;
    private ChunkCheckpoints checkpoints;
    private ChunkClaims claims;
    private TranscriptionJobs jobs;
    private Uploads uploads;
    private IngestStep ingest;
    private TranscribeStep transcribe;
    private TestMedia media;

    @BeforeAll
    void wire() throws Exception {
        testDatabase = TestDatabase.create();
        s3 = EmbeddedObjectStore.start(dir.resolve("objects"));
        database = Database.open(testDatabase.jdbcUrl(), testDatabase.user(), null, 4);
        store = new ObjectStore(s3.settings());
        store.ensureBucket();
        ingestJobs = new JobQueue("ingest", database.dataSource());
        transcribeJobs = new JobQueue("transcribe", database.dataSource());
        jobs = new TranscriptionJobs(database.sessions(), Clock.systemUTC(), (job, before) -> { });
        UploadStaging staging = new UploadStaging(dir.resolve("staging"));
        uploads = new Uploads(staging, jobs, new IngestQueue(ingestJobs), new Metrics());
        ingest = new IngestStep(jobs, staging, store, new TranscriptionQueue(transcribeJobs), new Metrics());
        slots = new WorkerSlots(SANDBOX, new WhisperSettings(TestModels.syntheticTiny(), 2, 300, false, false, 5));
        checkpoints = new ChunkCheckpoints(database.sessions(), Json.create());
        claims = new ChunkClaims(database.sessions());
        transcribe = new TranscribeStep(jobs, store, slots, new Transcriber(new QuietChunker(300, 10)), checkpoints,
                claims, new TranscriptionQueue(transcribeJobs), new PipelineSettings(dir.resolve("work"), 3600, 5, 3),
                SpeechSettings.defaults(TestModels.sileroVad()), new Metrics());
        media = new TestMedia(dir.resolve("media"));
    }

    @AfterAll
    void close() throws Exception {
        slots.close();
        transcribeJobs.close();
        ingestJobs.close();
        store.close();
        database.close();
        s3.close();
        testDatabase.close();
    }

    private UUID submitted() throws Exception {
        Path file = media.wav();
        JobOptions options = new JobOptions(Optional.empty(), JobOptions.Task.TRANSCRIBE);
        return uploads.submit("talk.wav", options, target -> Files.copy(file, target)).id();
    }

    @Test
    void ingestRunTwiceStoresOneObjectRemovesTheStagedFileAndQueuesTranscriptionOnce() throws Exception {
        UUID id = submitted();
        assertThat(ingestJobs.contains(id)).isTrue();
        ingest.ingest(id);
        ingest.ingest(id);
        TranscriptionJob job = jobs.find(id).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.mediaKey()).contains("media/" + id);
        assertThat(store.exists("media/" + id)).isTrue();
        assertThat(dir.resolve("staging").resolve(id.toString())).doesNotExist();
        assertThat(transcribeJobs.contains(id)).isTrue();
        assertThat(testDatabase.count("select count(*) from transcribe_jobrunr_jobs where id = ?", id.toString()))
                .isEqualTo(1);
    }

    @Test
    void transcribeRunTwiceLeavesExactlyOneTranscriptAndOneAttempt() throws Exception {
        UUID id = submitted();
        ingest.ingest(id);
        transcribe.transcribe(id);
        long segments = testDatabase.count("select count(*) from transcript_segment where job_id = ?", id);
        transcribe.transcribe(id);
        TranscriptionJob job = jobs.find(id).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(job.attempts()).isEqualTo(1);
        assertThat(testDatabase.count("select count(*) from transcript where job_id = ?", id)).isEqualTo(1);
        assertThat(testDatabase.count("select count(*) from transcript_segment where job_id = ?", id))
                .isEqualTo(segments).isPositive();
    }

    @Test
    void transcribeRerunAfterAnAttemptWasCutOffCompletesTheJob() throws Exception {
        UUID id = submitted();
        ingest.ingest(id);
        // As if a worker died in the middle of an attempt: the row says processing, nothing was stored.
        jobs.update(id, job -> job.beginAttempt(Clock.systemUTC().instant()));
        transcribe.transcribe(id);
        TranscriptionJob job = jobs.find(id).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(job.attempts()).isEqualTo(2);
        assertThat(testDatabase.count("select count(*) from transcript where job_id = ?", id)).isEqualTo(1);
    }

    @Test
    void aJobThatKeepsFailingOnOurSideIsRequeuedThenFailsAfterTheLastAttemptWithoutLeakingDetails() throws Exception {
        UUID id = submitted();
        ingest.ingest(id);
        StorageSettings real = s3.settings();
        StorageSettings unreachable = new StorageSettings(URI.create("http://127.0.0.1:1"), real.bucket(),
                real.accessKey(), real.secretKey(), real.region(), true);
        try (ObjectStore down = new ObjectStore(unreachable)) {
            TranscribeStep withStoreDown = new TranscribeStep(jobs, down, slots,
                    new Transcriber(new QuietChunker(300, 10)), checkpoints, claims,
                    new TranscriptionQueue(transcribeJobs), new PipelineSettings(dir.resolve("work"), 3600, 5, 2),
                    SpeechSettings.defaults(TestModels.sileroVad()), new Metrics());
            assertThatThrownBy(() -> withStoreDown.transcribe(id)).isInstanceOf(SdkClientException.class);
            TranscriptionJob requeued = jobs.find(id).orElseThrow();
            assertThat(requeued.status()).isEqualTo(JobStatus.QUEUED);
            assertThat(requeued.failureReason().orElseThrow()).contains("will be tried again");
            assertThatThrownBy(() -> withStoreDown.transcribe(id)).isInstanceOf(SdkClientException.class);
            withStoreDown.transcribe(id);
        }
        TranscriptionJob failed = jobs.find(id).orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.failureCode()).contains("internal_error");
        assertThat(failed.attempts()).isEqualTo(2);
        assertThat(failed.failureReason().orElseThrow()).contains("not in your file").doesNotContain("127.0.0.1")
                .doesNotContain("Exception");
        assertThat(dir.resolve("work").resolve(id.toString())).doesNotExist();
    }

    @Test
    void ingestOfAJobWhoseUploadVanishedFailsWithUploadMissing() throws Exception {
        UUID id = submitted();
        Files.delete(dir.resolve("staging").resolve(id.toString()));
        ingest.ingest(id);
        TranscriptionJob job = jobs.find(id).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failureCode()).contains("upload_missing");
    }
}
