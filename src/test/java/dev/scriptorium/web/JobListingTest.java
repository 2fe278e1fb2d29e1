package dev.scriptorium.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.TestStack;
import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.transcription.TranscriptionJob;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** GET /api/v1/jobs: newest first, cursor paging, status filter, file name search. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobListingTest {
    private TestStack stack;
    private ApiClient api;
    private final List<UUID> created = new ArrayList<>();
    private UUID percentJob;

    @BeforeAll
    void start() throws Exception {
        // Rows are made directly here; the reconciler must not send them to ingest (they have no upload).
        stack = TestStack.start(Map.of("RECONCILE_SECONDS", "3600", "WORKER_SLOTS", "1"));
        api = stack.api();
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 25; i++) {
            String name = i == 7 ? "100%_done.mp4" : i == 8 ? "100xydone.mp4" : "Talk-" + i + ".MP4";
            UUID id = UUID.randomUUID();
            stack.application().jobs().create(TranscriptionJob.queued(id, name,
                    new JobOptions(Optional.empty(), JobOptions.Task.TRANSCRIBE), 10, base.plusSeconds(i)));
            if (i % 5 == 0) {
                stack.application().jobs().update(id, job -> job.cancel(Instant.now()));
            }
            created.add(id);
        }
        percentJob = created.get(7);
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private JsonNode list(String query) throws Exception {
        ApiClient.Response response = api.get("/api/v1/jobs?" + query);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    @Test
    void pagesWalkAllJobsNewestFirstEachExactlyOnce() throws Exception {
        List<String> seen = new ArrayList<>();
        String cursor = "";
        int pages = 0;
        do {
            JsonNode page = list("limit=10" + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            page.get("jobs").forEach(job -> seen.add(job.get("id").asText()));
            cursor = page.get("next_cursor").isNull() ? "" : page.get("next_cursor").asText();
            pages++;
        } while (!cursor.isEmpty());

        List<String> expected = new ArrayList<>();
        for (int i = created.size() - 1; i >= 0; i--) {
            expected.add(created.get(i).toString());
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void aStatusFilterShowsOnlyJobsInThatStatus() throws Exception {
        JsonNode canceled = list("status=canceled&limit=100").get("jobs");
        assertThat(canceled).hasSize(5);
        canceled.forEach(job -> assertThat(job.get("status").asText()).isEqualTo("canceled"));
    }

    @Test
    void theSearchMatchesPartOfTheFileNameIgnoringCaseAndTakesWildcardsLiterally() throws Exception {
        assertThat(list("q=talk-1&limit=100").get("jobs")).hasSize(11);
        JsonNode literal = list("q=" + URLEncoder.encode("0%_d", StandardCharsets.UTF_8)).get("jobs");
        assertThat(literal).hasSize(1);
        assertThat(literal.get(0).get("id").asText()).isEqualTo(percentJob.toString());
    }

    @Test
    void badParametersAnswer400SayingWhatToSend() throws Exception {
        assertThat(api.get("/api/v1/jobs?status=done").json().get("error").get("message").asText())
                .contains("status must be one of");
        assertThat(api.get("/api/v1/jobs?limit=1000").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/jobs?cursor=nonsense").json().get("error").get("code").asText())
                .isEqualTo("invalid_cursor");
    }
}
