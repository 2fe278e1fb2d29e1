import dev.scriptorium.app.Application;
import dev.scriptorium.app.Role;
import dev.scriptorium.app.ScriptoriumConfig;
import dev.scriptorium.embedded.EmbeddedRedis;
import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.transcription.TranscriptionJob;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Status benchmark. Run with bench/status.sh (needs wrk). Starts serve on embedded defaults with a Redis of its own,
 * stores BENCH_JOBS (1000) jobs, then runs wrk against GET /api/v1/jobs/{id} over random ids of those jobs, once with
 * Redis and once with Redis stopped, and prints requests per second and the 99th percentile latency of each.
 */
public class StatusBenchmark {
    static final int JOBS = Integer.parseInt(System.getenv().getOrDefault("BENCH_JOBS", "1000"));
    static final String DURATION = System.getenv().getOrDefault("BENCH_DURATION", "20s");
    static final String CONNECTIONS = System.getenv().getOrDefault("BENCH_CONNECTIONS", "32");

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("scriptorium-status-bench");
        EmbeddedRedis redis = EmbeddedRedis.start(work.resolve("redis"));
        Map<String, String> env = new HashMap<>();
        env.put("DATA_DIR", work.resolve("data").toString());
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("HTTP_PORT", "0");
        env.put("MANAGEMENT_PORT", "0");
        env.put("REDIS_URL", redis.url().toString());
        env.put("WHISPER_MODEL", work.resolve("no-model.bin").toString());
        env.put("DASHBOARD_PORT", "0");
        env.put("RATE_LIMIT_REQUESTS_PER_MINUTE", "0");
        try (Application app = Application.start(Role.SERVE, ScriptoriumConfig.fromEnvironment(env))) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                UUID id = UUID.randomUUID();
                TranscriptionJob job = TranscriptionJob.queued(id, "talk-" + i + ".mp4",
                        new JobOptions(Optional.of("en"), JobOptions.Task.TRANSCRIBE), 1000, Instant.now());
                app.jobs().create(job);
                app.jobs().update(id, stored -> stored.cancel(Instant.now()));
                ids.add(id.toString());
            }
            String base = "http://127.0.0.1:" + app.httpPort().orElseThrow();
            Path script = work.resolve("status.lua");
            Files.writeString(script, "local ids = {\"" + String.join("\",\"", ids) + "\"}\n"
                    + "request = function()\n"
                    + "  return wrk.format(\"GET\", \"/api/v1/jobs/\" .. ids[math.random(#ids)])\n"
                    + "end\n");
            // Warm up: fills the cache and lets the JIT compile the request path.
            HttpClient http = HttpClient.newHttpClient();
            for (String id : ids) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs/"
                        + id)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("GET answered " + response.statusCode() + ": " + response.body());
                }
            }
            wrk(base, script, "10s");
            System.out.printf(Locale.ROOT, "%d jobs stored; wrk -t2 -c%s -d%s over random ids; cores: %d%n", JOBS,
                    CONNECTIONS, DURATION, Runtime.getRuntime().availableProcessors());
            report("with Redis", wrk(base, script, DURATION));
            redis.close();
            wrk(base, script, "5s");
            report("Redis stopped", wrk(base, script, DURATION));
        } finally {
            try {
                redis.close();
            } catch (Exception alreadyStopped) {
                // Stopped above.
            }
            try (var paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    static String wrk(String base, Path script, String duration) throws Exception {
        Process process = new ProcessBuilder("wrk", "-t2", "-c" + CONNECTIONS, "-d" + duration, "--latency",
                "-s", script.toString(), base).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("wrk failed:\n" + output);
        }
        return output;
    }

    static void report(String label, String output) {
        double requests = number(output, "Requests/sec:\\s+([0-9.]+)");
        String p99 = text(output, "\\s99%\\s+([0-9.]+[a-z]+)");
        String errors = output.contains("Non-2xx") ? text(output, "Non-2xx or 3xx responses: ([0-9]+)") : "0";
        System.out.printf(Locale.ROOT, "%s: %.0f requests/s, p99 %s, non-2xx %s%n", label, requests, p99, errors);
    }

    static double number(String output, String pattern) {
        return Double.parseDouble(text(output, pattern));
    }

    static String text(String output, String pattern) {
        Matcher matcher = Pattern.compile(pattern).matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + pattern + " in wrk's output:\n" + output);
        }
        return matcher.group(1);
    }
}
