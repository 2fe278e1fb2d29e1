package dev.scriptorium.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** /metrics on a running serve: valid Prometheus text whose job figures move when a job runs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsEndpointTest {
    /** One sample line of the text format 0.0.4: name, optional labels, value, optional timestamp. */
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)"
            + "(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:\\\\.|[^\"\\\\])*\",?)*\\})?"
            + " ([-+]?(?:[0-9]+(?:\\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|NaN|Inf))( -?[0-9]+)?");
    private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");
    @TempDir
    static Path dir;
    private TestStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("WORKER_SLOTS", "1"));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    /** Parses the whole answer strictly: every line a sample or a HELP/TYPE comment. */
    private Map<String, Double> scrape() throws Exception {
        ApiClient.Response response = new ApiClient(URI.create("http://127.0.0.1:"
                + stack.application().managementPort().orElseThrow())).get("/metrics");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("text/plain");
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("#")) {
                assertThat(line).matches(COMMENT);
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            assertThat(sample.matches()).as("a Prometheus sample line: %s", line).isTrue();
            samples.put(sample.group(1) + (sample.group(2) == null ? "" : sample.group(2)),
                    Double.parseDouble(sample.group(3).replace("Inf", "Infinity")));
        }
        return samples;
    }

    @Test
    void metricsParseAsPrometheusTextAndTheJobFiguresMoveWhenAJobRuns() throws Exception {
        Map<String, Double> before = scrape();
        String completed = "scriptorium_jobs_finished_total{status=\"completed\",failure_code=\"\",}";
        String completedJobs = "scriptorium_jobs{status=\"completed\",}";

        String id = stack.api().upload(new TestMedia(dir.resolve("media")).wav(), Map.of()).json().get("id")
                .asText();
        assertThat(stack.api().awaitFinished(id, Duration.ofMinutes(2)).get("status").asText())
                .isEqualTo("completed");
        stack.api().get("/api/v1/jobs/" + id);
        Map<String, Double> after = scrape();

        assertThat(after.get(completed)).isEqualTo(before.getOrDefault(completed, 0.0) + 1);
        assertThat(after.get(completedJobs)).isEqualTo(before.getOrDefault(completedJobs, 0.0) + 1);
        assertThat(after.get("scriptorium_upload_bytes_total")).isGreaterThan(
                before.getOrDefault("scriptorium_upload_bytes_total", 0.0));
        for (String stage : new String[] {"ingesting", "extracting_audio", "transcribing", "storing"}) {
            assertThat(after.get("scriptorium_stage_duration_seconds_count{stage=\"" + stage + "\",}"))
                    .as(stage).isGreaterThanOrEqualTo(1.0);
        }
        assertThat(after.keySet()).anyMatch(key -> key.startsWith("scriptorium_realtime_factor_count{model="));
        assertThat(after.get("scriptorium_worker_slots{state=\"total\",device=\"cpu\",}")).isEqualTo(1.0);
        assertThat(after).containsKey("scriptorium_queue_depth{queue=\"transcribe\",}");
        assertThat(after).containsKey("scriptorium_queue_oldest_seconds{queue=\"ingest\",}");
        assertThat(after.get("scriptorium_http_requests_total{route=\"/api/v1/jobs/{id}\",method=\"GET\","
                + "status=\"200\",}")).isGreaterThanOrEqualTo(1.0);
        assertThat(after.keySet()).anyMatch(key -> key.startsWith("jvm_memory_bytes_used"));
    }

    @Test
    void metricsAreServedOnlyOnTheManagementPortNeverOnThePublicOne() throws Exception {
        assertThat(stack.api().get("/metrics").status()).isEqualTo(404);
        assertThat(stack.api().get("/readyz").status()).isEqualTo(200);
    }
}
