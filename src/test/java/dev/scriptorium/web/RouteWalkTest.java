package dev.scriptorium.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.TestStack;
import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.transcription.TranscriptionJob;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Walks every route the running server registered, so that a route added later is covered without being listed
 * here: HEAD answers what GET answers, a method a path lacks is a 405 in the API's error shape with a correct Allow,
 * and a path nobody routes is a 404 in that shape. Requests carry the admin token, so that no access check stands
 * in front of the routing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteWalkTest {
    private static final String ADMIN_TOKEN = "route-walk-admin-token-0123";
    /** Every method Java's HTTP client can send (it refuses CONNECT). */
    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
            "TRACE", "QUERY");
    private TestStack stack;
    private ApiClient api;
    private Map<String, Set<String>> routes;
    private UUID job;

    @BeforeAll
    void start() throws Exception {
        // The job is a row made here; the reconciler must not send it to ingest (it has no upload).
        stack = TestStack.start(Map.of("ADMIN_TOKEN", ADMIN_TOKEN, "RECONCILE_SECONDS", "3600"));
        api = stack.api();
        routes = stack.application().web().orElseThrow().routes();
        job = UUID.randomUUID();
        stack.application().jobs().create(TranscriptionJob.queued(job, "walk.wav",
                new JobOptions(Optional.empty(), JobOptions.Task.TRANSCRIBE), 10, Instant.now()));
        // Finished, so that its event stream ends after the first event.
        stack.application().jobs().update(job, found -> found.cancel(Instant.now()));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private ApiClient.Response send(String method, String path) throws Exception {
        return api.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    private String concrete(String route) {
        return route.replace("{id}", job.toString()).replace("{delivery}", "msg_unknown").replace("{n}", "0")
                .replace("{upload}", "no-such-upload");
    }

    @Test
    void theWalkSeesTheRoutesOfEveryPartOfTheServer() {
        assertThat(routes).containsKeys("/", "/api/v1/status", "/api/v1/jobs", "/api/v1/jobs/{id}/events",
                "/api/v1/admin/jobs/{id}", "/readyz");
        assertThat(routes.keySet()).allSatisfy(path -> assertThat(path).doesNotContain("*"));
    }

    @Test
    void headAnswersWhatGetAnswersOnEveryPathWithGetForKnownAndUnknownJobs() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        for (Map.Entry<String, Set<String>> route : routes.entrySet()) {
            if (!route.getValue().contains("GET")) {
                continue;
            }
            softly.assertThat(route.getValue()).as(route.getKey()).contains("HEAD");
            for (String path : new TreeSet<>(List.of(concrete(route.getKey()), concrete(route.getKey()).replace(job.toString(),
                    UUID.randomUUID().toString())))) {
                ApiClient.Response get = send("GET", path);
                ApiClient.Response head = send("HEAD", path);
                softly.assertThat(head.status()).as("HEAD " + path).isEqualTo(get.status());
                softly.assertThat(withoutDate(head)).as("HEAD " + path).isEqualTo(withoutDate(get));
                softly.assertThat(head.body()).as("HEAD " + path).isEmpty();
            }
        }
        softly.assertAll();
    }

    private static Map<String, List<String>> withoutDate(ApiClient.Response response) {
        Map<String, List<String>> headers = new TreeMap<>(response.headers());
        headers.remove("date");
        return headers;
    }

    @Test
    void everyMethodAPathLacksAnswers405WithAllowListingWhatItSupports() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        for (Map.Entry<String, Set<String>> route : routes.entrySet()) {
            String path = concrete(route.getKey());
            for (String method : METHODS) {
                if (route.getValue().contains(method)) {
                    continue;
                }
                ApiClient.Response refused = send(method, path);
                softly.assertThat(refused.status()).as(method + " " + path).isEqualTo(405);
                softly.assertThat(allowed(refused)).as(method + " " + path).isEqualTo(route.getValue());
                if (!method.equals("HEAD")) {
                    softly.assertThat(refused.json().at("/error/code").asText()).as(method + " " + path)
                            .isEqualTo("method_not_allowed");
                    softly.assertThat(refused.json().at("/error/message").asText()).as(method + " " + path)
                            .contains(method + " is not supported");
                }
            }
        }
        softly.assertAll();
    }

    private static Set<String> allowed(ApiClient.Response response) {
        String allow = response.header("Allow");
        return allow == null ? Set.of() : new TreeSet<>(Arrays.asList(allow.split(",\\s*")));
    }

    @Test
    void aPathNobodyRoutesAnswers404InTheErrorShape() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        for (String path : List.of("/api/v1/nothing", "/api/v1/jobs/" + job + "/nothing", "/api/v2/jobs",
                "/api", "/nothing", "/admin/nothing", "/index.html")) {
            for (String method : List.of("GET", "POST", "DELETE")) {
                ApiClient.Response missing = send(method, path);
                softly.assertThat(missing.status()).as(method + " " + path).isEqualTo(404);
                softly.assertThat(missing.header("Content-Type")).as(method + " " + path)
                        .startsWith("application/json");
                softly.assertThat(missing.json().at("/error/code").asText()).as(method + " " + path)
                        .isEqualTo("not_found");
                softly.assertThat(missing.json().at("/error/message").asText()).as(method + " " + path)
                        .contains(path);
            }
            softly.assertThat(send("HEAD", path).status()).as("HEAD " + path).isEqualTo(404);
        }
        softly.assertAll();
    }
}
