package dev.scriptorium.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.access.ApiKeys;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.TestStack;
import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.transcription.TranscriptionJob;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
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
import org.postgresql.ds.PGSimpleDataSource;

/**
 * GET /api/v1/jobs: newest first, cursor paging, status filter, file name search, and the ids that anonymous callers
 * list their own jobs by. The general listing is read with the admin token: an anonymous caller must name its jobs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobListingTest {
    private static final String ADMIN_TOKEN = "listing-admin-token-0123456";
    private TestStack stack;
    private ApiClient api;
    private final List<UUID> created = new ArrayList<>();
    private UUID percentJob;
    /** Made with an API key: never shown to anonymous callers. */
    private UUID keyedJob;

    @BeforeAll
    void start() throws Exception {
        // Rows are made directly here; the reconciler must not send them to ingest (they have no upload).
        stack = TestStack.start(Map.of("RECONCILE_SECONDS", "3600", "WORKER_SLOTS", "1",
                "ADMIN_TOKEN", ADMIN_TOKEN));
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
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(stack.database().jdbcUrl());
        dataSource.setUser(stack.database().user());
        UUID key = new ApiKeys(dataSource).create("listing-owner", false).key().id();
        keyedJob = created.get(24);
        stack.application().jobs().update(keyedJob, job -> job.ownedBy(key));
        percentJob = created.get(7);
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private ApiClient.Response asAdmin(String query) throws Exception {
        return api.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/jobs?" + query))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).build());
    }

    private JsonNode list(String query) throws Exception {
        ApiClient.Response response = asAdmin(query);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    /** Without a key, as the upload page and anonymous scripts list. */
    private JsonNode listAnonymously(String query) throws Exception {
        ApiClient.Response response = api.get("/api/v1/jobs?" + query);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("jobs").forEach(job -> ids.add(job.get("id").asText()));
        return ids;
    }

    private static String joined(List<UUID> ids) {
        return String.join(",", ids.stream().map(UUID::toString).toList());
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
        assertThat(asAdmin("status=done").json().get("error").get("message").asText())
                .contains("status must be one of");
        assertThat(asAdmin("limit=1000").status()).isEqualTo(400);
        assertThat(asAdmin("cursor=nonsense").json().get("error").get("code").asText())
                .isEqualTo("invalid_cursor");
    }

    @Test
    void anAnonymousListingWithoutIdsAnswers400SayingToListOwnJobsById() throws Exception {
        ApiClient.Response refused = api.get("/api/v1/jobs");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("ids_required");
        assertThat(refused.json().at("/error/message").asText()).contains("Anonymous callers list their own jobs"
                + " by id", "ids=");
    }

    @Test
    void idsRestrictTheListingToThoseJobsNewestFirstAndUnknownIdsAreAbsent() throws Exception {
        List<UUID> asked = List.of(created.get(3), created.get(17), UUID.randomUUID(), created.get(9));

        JsonNode page = listAnonymously("ids=" + joined(asked));

        assertThat(ids(page)).containsExactly(created.get(17).toString(), created.get(9).toString(),
                created.get(3).toString());
        assertThat(page.get("next_cursor").isNull()).isTrue();
        assertThat(ids(list("ids=" + joined(asked)))).as("an admin may use ids too").hasSize(3);
    }

    @Test
    void cursorPagingWalksTheJobsOfIdsEachExactlyOnce() throws Exception {
        List<UUID> asked = created.subList(2, 14);
        List<String> seen = new ArrayList<>();
        String cursor = "";
        int pages = 0;
        do {
            JsonNode page = listAnonymously("limit=5&ids=" + joined(asked) + (cursor.isEmpty() ? ""
                    : "&cursor=" + cursor));
            seen.addAll(ids(page));
            cursor = page.get("next_cursor").isNull() ? "" : page.get("next_cursor").asText();
            pages++;
        } while (!cursor.isEmpty());

        List<String> expected = new ArrayList<>();
        for (int i = 13; i >= 2; i--) {
            expected.add(created.get(i).toString());
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void idsCombineWithTheStatusFilter() throws Exception {
        JsonNode page = listAnonymously("status=canceled&ids=" + joined(created.subList(0, 12)));

        assertThat(ids(page)).containsExactly(created.get(10).toString(), created.get(5).toString(),
                created.get(0).toString());
    }

    @Test
    void anAnonymousListingByIdsNeverShowsAJobMadeWithAKey() throws Exception {
        JsonNode page = listAnonymously("ids=" + keyedJob + "," + created.get(1));

        assertThat(ids(page)).containsExactly(created.get(1).toString());
    }

    @Test
    void malformedOrTooManyIdsAnswer400SayingWhatToSend() throws Exception {
        ApiClient.Response malformed = api.get("/api/v1/jobs?ids=" + created.get(0) + ",job-7");
        List<UUID> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add(UUID.randomUUID());
        }
        ApiClient.Response tooMany = api.get("/api/v1/jobs?ids=" + joined(many));

        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().at("/error/code").asText()).isEqualTo("invalid_ids");
        assertThat(malformed.json().at("/error/message").asText()).contains("job-7");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().at("/error/message").asText()).contains("at most 100");
        assertThat(listAnonymously("ids=").get("jobs")).as("an empty list names no job").isEmpty();
    }
}
