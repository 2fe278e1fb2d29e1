package dev.scriptorium.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.access.ApiKeys;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.StoredTranscripts;
import dev.scriptorium.testing.TestStack;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The workspace's API on a running serve: search, segment edits with their revisions, and the stored media played
 * in ranges. Transcripts are written straight into the database; what is done with them goes through HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkspaceApiTest {
    private static final String ADMIN_TOKEN = "workspace-admin-token-0123456";
    private TestStack stack;
    private ApiClient api;
    private ApiKeys.Created mine;
    private ApiKeys.Created theirs;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("RECONCILE_SECONDS", "3600", "WORKER_SLOTS", "1",
                "ADMIN_TOKEN", ADMIN_TOKEN));
        api = stack.api();
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(stack.database().jdbcUrl());
        dataSource.setUser(stack.database().user());
        ApiKeys keys = new ApiKeys(dataSource);
        mine = keys.create("editor-one", false);
        theirs = keys.create("someone-else", false);
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private UUID transcript(ApiKeys.Created owner, String... segments) throws Exception {
        try (Connection connection = stack.database().connect()) {
            return StoredTranscripts.completed(connection, Optional.ofNullable(owner).map(key -> key.key().id()),
                    "en", "meeting.mp4", segments);
        }
    }

    private ApiClient.Response get(String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.baseUrl() + path));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return api.send(request.build());
    }

    private ApiClient.Response edit(UUID job, int segment, String body, String bearer) throws Exception {
        return api.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/jobs/" + job
                        + "/transcript/segments/" + segment))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private ApiClient.Response search(String query, String bearer) throws Exception {
        return get("/api/v1/search?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8), bearer);
    }

    @Test
    void anEditIsKeptAsARevisionThatDownloadsShowWhileWhispersTextStaysAvailable() throws Exception {
        UUID job = transcript(mine, "thanks mister smith", "see you soon");

        ApiClient.Response edited = edit(job, 0, "{\"text\": \"Thanks, Ms Okonkwo.\"}", mine.secret());

        assertThat(edited.status()).isEqualTo(200);
        JsonNode segment = edited.json().path("segment");
        assertThat(segment.path("text").asText()).isEqualTo("Thanks, Ms Okonkwo.");
        assertThat(segment.path("edited").asBoolean()).isTrue();
        assertThat(segment.path("revision").asInt()).isEqualTo(1);
        assertThat(segment.path("edited_by").asText()).isEqualTo("editor-one");
        assertThat(segment.path("word_timings").asText()).isEqualTo("edited");
        assertThat(segment.path("start").asDouble()).isEqualTo(0.0);
        assertThat(segment.path("end").asDouble()).isEqualTo(3.0);
        assertThat(edited.json().path("revisions")).extracting(revision -> revision.path("text").asText())
                .containsExactly(" thanks mister smith", "Thanks, Ms Okonkwo.");
        String srt = get("/api/v1/jobs/" + job + "/transcript?format=srt", mine.secret()).body();
        assertThat(srt).contains("Thanks, Ms Okonkwo.").doesNotContain("smith");
        String original = get("/api/v1/jobs/" + job + "/transcript?format=srt&revision=original", mine.secret())
                .body();
        assertThat(original).contains("thanks mister smith").doesNotContain("Okonkwo");
        assertThat(get("/api/v1/jobs/" + job + "/transcript?format=txt", mine.secret()).body())
                .isEqualTo("Thanks, Ms Okonkwo. see you soon\n");
    }

    @Test
    void anEditThatOnlyFixesCapitalsAndPunctuationKeepsTheWordTimings() throws Exception {
        UUID job = transcript(mine, "see you soon");

        JsonNode segment = edit(job, 0, "{\"text\": \"See you soon!\"}", mine.secret()).json().path("segment");

        assertThat(segment.path("word_timings").asText()).isEqualTo("kept");
        assertThat(segment.path("words")).extracting(word -> word.path("start").asDouble())
                .containsExactly(0.0, 0.5, 1.0);
        JsonNode transcript = get("/api/v1/jobs/" + job + "/transcript", mine.secret()).json();
        assertThat(transcript.path("segments").get(0).path("words").get(2).path("text").asText()).isEqualTo(" soon!");
    }

    @Test
    void anEditByAnotherCallerIsRefusedAsIfTheJobDidNotExist() throws Exception {
        UUID job = transcript(mine, "private words");

        ApiClient.Response refused = edit(job, 0, "{\"text\": \"defaced\"}", theirs.secret());

        assertThat(refused.status()).isEqualTo(404);
        assertThat(stack.database().count("select count(*) from segment_revision where job_id = ?", job)).isZero();
        assertThat(get("/api/v1/jobs/" + job + "/transcript?format=txt", mine.secret()).body())
                .isEqualTo("private words\n");
    }

    @Test
    void anEditUnderLegalHoldIsAllowedAndTheJobStillCannotBeDeleted() throws Exception {
        UUID job = transcript(mine, "evidence as heard");
        assertThat(api.putJson("/api/v1/admin/jobs/" + job + "/legal-hold", "{\"legal_hold\": true}", ADMIN_TOKEN)
                .status()).isEqualTo(200);

        assertThat(edit(job, 0, "{\"text\": \"evidence as spoken\"}", mine.secret()).status()).isEqualTo(200);
        ApiClient.Response delete = api.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/jobs/"
                + job)).header("Authorization", "Bearer " + mine.secret()).DELETE().build());

        assertThat(delete.status()).isEqualTo(409);
        assertThat(delete.json().path("error").path("code").asText()).isEqualTo("legal_hold");
        assertThat(stack.database().count("select count(*) from segment_revision where job_id = ?", job))
                .isEqualTo(1);
    }

    @Test
    void deletingAJobDeletesItsRevisionsWithIt() throws Exception {
        UUID job = transcript(mine, "soon gone");
        edit(job, 0, "{\"text\": \"gone soon\"}", mine.secret());

        ApiClient.Response delete = api.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/jobs/"
                + job)).header("Authorization", "Bearer " + mine.secret()).DELETE().build());

        assertThat(delete.status()).isEqualTo(204);
        assertThat(stack.database().count("select count(*) from segment_revision where job_id = ?", job)).isZero();
    }

    @Test
    void anEditNeedsASegmentThatExistsAndATextToPutThere() throws Exception {
        UUID job = transcript(mine, "one segment");

        ApiClient.Response missing = edit(job, 7, "{\"text\": \"x\"}", mine.secret());
        ApiClient.Response noText = edit(job, 0, "{\"words\": \"x\"}", mine.secret());

        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("error").path("message").asText()).contains("numbered 0 to 0");
        assertThat(noText.status()).isEqualTo(400);
        assertThat(noText.json().path("error").path("message").asText()).contains("{\"text\":");
    }

    @Test
    void searchFindsTheCallersTranscriptsOnlyAndAnAdminFindsAll() throws Exception {
        UUID myJob = transcript(mine, "the albatross flew by");
        UUID theirJob = transcript(theirs, "an albatross landed");

        JsonNode found = search("albatross", mine.secret()).json();
        JsonNode admin = search("albatross", ADMIN_TOKEN).json();

        assertThat(found.path("results")).extracting(result -> result.path("job_id").asText())
                .containsExactly(myJob.toString());
        JsonNode hit = found.path("results").get(0).path("hits").get(0);
        assertThat(hit.path("snippet").asText()).isEqualTo(" the albatross flew by");
        assertThat(hit.path("highlights").get(0).get(0).asInt()).isEqualTo(5);
        assertThat(found.path("results").get(0).path("links").path("media").asText())
                .isEqualTo("/api/v1/jobs/" + myJob + "/media");
        assertThat(admin.path("results")).extracting(result -> result.path("job_id").asText())
                .contains(myJob.toString(), theirJob.toString());
    }

    @Test
    void aSearchWithNothingToLookForIsA400ThatSaysWhatToSend() throws Exception {
        for (String query : new String[] {"", "%", "&", ":*", "'"}) {
            ApiClient.Response refused = search(query, mine.secret());

            assertThat(refused.status()).as(query).isEqualTo(400);
            assertThat(refused.json().path("error").path("code").asText()).isEqualTo("invalid_query");
            assertThat(refused.json().path("error").path("message").asText()).startsWith("q ");
        }
        ApiClient.Response anonymous = search("albatross", null);
        assertThat(anonymous.status()).isEqualTo(400);
        assertThat(anonymous.json().path("error").path("code").asText()).isEqualTo("ids_required");
    }

    @Test
    void theMediaPlaysInRangesWhileItIsStoredAndIsGoneAfterwards() throws Exception {
        UUID job = transcript(null, "a recording");
        byte[] media = new byte[100_000];
        Arrays.fill(media, (byte) 7);
        media[50_000] = 42;
        Path file = Files.createTempFile("media", ".bin");
        Files.write(file, media);
        stack.objects().put("media/" + job, file, "application/octet-stream");

        ApiClient.Response stretch = api.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/jobs/"
                + job + "/media")).header("Range", "bytes=50000-50009").build());

        assertThat(stretch.status()).isEqualTo(206);
        assertThat(stretch.header("Content-Range")).isEqualTo("bytes 50000-50009/100000");
        assertThat(stretch.header("Content-Length")).isEqualTo("10");
        assertThat(stretch.body().charAt(0)).isEqualTo('*');
        assertThat(get("/api/v1/jobs/" + job + "/media", null).header("Content-Length")).isEqualTo("100000");
        stack.database().execute("update transcription_job set media_deleted_at = now() where id = ?", job);
        assertThat(get("/api/v1/jobs/" + job + "/media", null).status()).isEqualTo(410);
    }
}
