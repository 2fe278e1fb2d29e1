package dev.scriptorium.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.TestStack;
import dev.scriptorium.transcription.FailureCode;
import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.transcription.JobStage;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.transcription.TranscriptionJobs;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the jobs API answers for a job in each state, on rows made directly in the database: canceling a finished
 * job, and the transcript of a job that will never have one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobStatesApiTest {
    private TestStack stack;
    private ApiClient api;
    private TranscriptionJobs jobs;

    @BeforeAll
    void start() throws Exception {
        // Rows are made directly here; the reconciler must not send them to ingest (they have no upload).
        stack = TestStack.start(Map.of("RECONCILE_SECONDS", "3600", "WORKER_SLOTS", "1"));
        api = stack.api();
        jobs = stack.application().jobs();
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private UUID queued() {
        UUID id = UUID.randomUUID();
        jobs.create(TranscriptionJob.queued(id, "talk.mp4", new JobOptions(Optional.empty(),
                JobOptions.Task.TRANSCRIBE), 1000, Instant.now()));
        return id;
    }

    /** A job transcribing an 80 s file, 34 s into it: 42.5 %. */
    private UUID processing() {
        UUID id = queued();
        jobs.update(id, job -> {
            job.startStage(JobStage.TRANSCRIBING, Instant.now());
            job.probed("mp4", "aac", 80.0, Instant.now());
            job.progressed(34.0, 40.0, Instant.now());
        });
        return id;
    }

    private UUID completed() {
        UUID id = queued();
        jobs.update(id, job -> {
            job.startStage(JobStage.STORING, Instant.now());
            job.complete(Instant.now());
        });
        return id;
    }

    private UUID failed() {
        UUID id = queued();
        jobs.update(id, job -> job.fail(FailureCode.NO_AUDIO, "The file has no audio stream. Upload a file with"
                + " sound.", Instant.now()));
        return id;
    }

    private UUID canceled() {
        UUID id = queued();
        jobs.update(id, job -> job.cancel(Instant.now()));
        return id;
    }

    private ApiClient.Response cancel(UUID id) throws Exception {
        return api.post("/api/v1/jobs/" + id + "/cancel");
    }

    private static void assertError(ApiClient.Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().at("/error/code").asText()).isEqualTo(code);
    }

    @Test
    void aCanceledJobCannotBeCanceledAgain() throws Exception {
        UUID id = queued();
        ApiClient.Response first = cancel(id);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("status").asText()).isEqualTo("canceled");
        JsonNode before = api.job(id.toString());

        ApiClient.Response again = cancel(id);

        assertError(again, 409, "job_finished");
        assertThat(again.json().at("/error/message").asText()).contains("canceled already");
        assertThat(api.job(id.toString()).get("completed_at")).isEqualTo(before.get("completed_at"));
    }

    @Test
    void aCompletedOrFailedJobCannotBeCanceled() throws Exception {
        for (UUID id : List.of(completed(), failed())) {
            String status = api.job(id.toString()).get("status").asText();

            assertError(cancel(id), 409, "job_finished");
            assertThat(api.job(id.toString()).get("status").asText()).isEqualTo(status);
        }
    }

    @Test
    void theTranscriptOfAFailedJobAnswers409SayingItWillNeverHaveOneAndWhy() throws Exception {
        ApiClient.Response refused = api.get("/api/v1/jobs/" + failed() + "/transcript?format=txt");

        assertError(refused, 409, "transcript_unavailable");
        assertThat(refused.json().at("/error/message").asText()).contains("failed", "never have a transcript",
                "The file has no audio stream.");
    }

    @Test
    void theTranscriptOfACanceledJobAnswers409SayingItWasCanceled() throws Exception {
        ApiClient.Response refused = api.get("/api/v1/jobs/" + canceled() + "/transcript?format=txt");

        assertError(refused, 409, "transcript_unavailable");
        assertThat(refused.json().at("/error/message").asText()).contains("canceled", "never have a transcript");
    }

    @Test
    void theTranscriptOfAQueuedOrProcessingJobIsNotReadyYet() throws Exception {
        for (UUID id : List.of(queued(), processing())) {
            ApiClient.Response refused = api.get("/api/v1/jobs/" + id + "/transcript?format=txt");

            assertError(refused, 409, "transcript_not_ready");
            assertThat(refused.json().at("/error/message").asText()).contains("available once the status is"
                    + " completed");
        }
    }
}
