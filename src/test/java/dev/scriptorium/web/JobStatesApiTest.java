package dev.scriptorium.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.status.JobEvents;
import dev.scriptorium.testing.ApiContract;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.TestDatabase;
import dev.scriptorium.testing.TestStack;
import dev.scriptorium.transcription.FailureCode;
import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.transcription.JobStage;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.transcription.TranscriptionJobs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.RedisClient;

/**
 * What the jobs API answers for a job in each state, on rows made directly in the database: canceling a finished
 * job, the transcript of a job that will never have one, and how progress is written in every answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobStatesApiTest {
    private static final String ADMIN_TOKEN = "job-states-admin-token-0123";
    private static final long UPLOAD_LIMIT = 123_456_789;
    private static final Pattern PERCENT = Pattern.compile("\"percent\"\\s*:\\s*([^,}\\s]+)");
    private TestStack stack;
    private ApiClient api;
    private TranscriptionJobs jobs;

    @BeforeAll
    void start() throws Exception {
        // Rows are made directly here; the reconciler must not send them to ingest (they have no upload).
        stack = TestStack.start(Map.of("ADMIN_TOKEN", ADMIN_TOKEN, "RECONCILE_SECONDS", "3600",
                "WORKER_SLOTS", "1", "MAX_UPLOAD_BYTES", String.valueOf(UPLOAD_LIMIT)));
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

    @Test
    void percentIsWrittenAsANumberWithOneDecimalInEveryAnswer() throws Exception {
        Map<UUID, String> expected = new LinkedHashMap<>();
        expected.put(queued(), "0.0");
        expected.put(processing(), "42.5");
        expected.put(completed(), "100.0");
        for (Map.Entry<UUID, String> job : expected.entrySet()) {
            String path = "/api/v1/jobs/" + job.getKey();
            List<String> bodies = new ArrayList<>();
            bodies.add(ok(api.get(path)));
            try (RedisClient redis = RedisClient.create(TestDatabase.env("TEST_REDIS_URL",
                    "redis://127.0.0.1:6379"))) {
                redis.del(JobEvents.statusKey(job.getKey()));
            }
            bodies.add(ok(api.get(path)));
            bodies.add(ok(api.get(path + "?wait=1")));
            bodies.add(firstEvent(path + "/events"));
            bodies.add(ok(api.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/admin/jobs/"
                    + job.getKey())).header("Authorization", "Bearer " + ADMIN_TOKEN).build())));
            for (String body : bodies) {
                assertThat(percents(body)).as(body).containsExactly(job.getValue());
            }
        }
        String ids = String.join(",", expected.keySet().stream().map(UUID::toString).toList());
        assertThat(percents(ok(api.get("/api/v1/jobs?ids=" + ids)))).containsExactlyInAnyOrder("100.0", "42.5", "0.0");
        assertThat(percents(ok(cancel(queued())))).containsExactly("0.0");
        assertThat(percents(ok(cancel(processing())))).containsExactly("42.5");
    }

    private static String ok(ApiClient.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static List<String> percents(String json) {
        List<String> found = new ArrayList<>();
        Matcher matcher = PERCENT.matcher(json);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    /** The data of the stream's first event; the stream of an unfinished job goes on, so it is left there. */
    private String firstEvent(String path) throws Exception {
        HttpResponse<Stream<String>> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(stack.baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        ApiContract.check("GET", path, 200, stream.headers().firstValue("Content-Type").orElse(null), "(events)");
        try (Stream<String> lines = stream.body()) {
            String data = lines.filter(line -> line.startsWith("data:")).findFirst().orElseThrow().substring(5)
                    .strip();
            // Each event carries the job as GET /api/v1/jobs/{id} answers it.
            ApiContract.checkSchema("Job", data);
            return data;
        }
    }

    @Test
    void theStatusReportsTheUploadLimitBesideTheModelAndAnonymousAccess() throws Exception {
        JsonNode status = api.get("/api/v1/status").json();

        assertThat(status.get("max_upload_bytes").isIntegralNumber()).isTrue();
        assertThat(status.get("max_upload_bytes").asLong()).isEqualTo(UPLOAD_LIMIT);
        assertThat(status.get("anonymous_access").asBoolean()).isTrue();
        assertThat(status.get("model").isObject()).isTrue();
    }
}
