import dev.scriptorium.app.Application;
import dev.scriptorium.app.Role;
import dev.scriptorium.app.ScriptoriumConfig;
import dev.scriptorium.testing.SpeechScene;
import dev.scriptorium.whisper.SyntheticModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAI-compatible path's overhead. Run with bench/openai.sh. The same generated speech file goes through one
 * in-process serve both ways, timed by the client from the first byte sent to the transcript in hand:
 * - native: POST /api/v1/jobs, then GET /api/v1/jobs/{id}?wait=60 (long poll) until the job ends, then its transcript;
 * - OpenAI: one POST /v1/audio/transcriptions (response_format=json) that waits for the job.
 * Prints each round, the median of /v1 over native, and a summary line. Whisper runs the synthetic tiny-dims model,
 * greedy, without timestamp tokens or temperature fallback; speech detection is off, so both paths do the same work.
 */
public class OpenAiBenchmark {
    static final int SECONDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_SECONDS", "120"));
    static final int THREADS = Integer.parseInt(System.getenv().getOrDefault("BENCH_THREADS", "2"));
    static final int ROUNDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "5"));
    static final String BOUNDARY = "bench-boundary";

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("scriptorium-openai-bench");
        Path model = work.resolve("synthetic-tiny.bin");
        SyntheticModel.write(model, SyntheticModel.Dims.TINY, 42);
        SpeechScene speech = SpeechScene.allSpeech(work.resolve("speech"), SECONDS);
        System.out.printf(Locale.ROOT, "input: %.0f s of espeak-ng speech, 16 kHz WAV, %d bytes; model: synthetic tiny "
                + "dims; threads: %d; cores: %d; rounds: %d%n", speech.seconds(), Files.size(speech.wav()), THREADS,
                Runtime.getRuntime().availableProcessors(), ROUNDS);
        Map<String, String> env = new HashMap<>();
        env.put("DATA_DIR", work.resolve("data").toString());
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("HTTP_PORT", "0");
        env.put("MANAGEMENT_PORT", "0");
        env.put("DASHBOARD_PORT", "0");
        env.put("WHISPER_MODEL", model.toString());
        env.put("WHISPER_THREADS", String.valueOf(THREADS));
        env.put("WHISPER_TIMESTAMPS", "false");
        env.put("WHISPER_TEMPERATURE_FALLBACK", "false");
        env.put("WORKER_SLOTS", "1");
        env.put("VAD", "false");
        env.put("RATE_LIMIT_UPLOADS_PER_MINUTE", "0");
        env.put("RATE_LIMIT_REQUESTS_PER_MINUTE", "0");
        List<Double> ratios = new ArrayList<>();
        try (Application app = Application.start(Role.SERVE, ScriptoriumConfig.fromEnvironment(env))) {
            URI base = URI.create("http://127.0.0.1:" + app.httpPort().orElseThrow());
            HttpClient http = HttpClient.newHttpClient();
            System.out.printf(Locale.ROOT, "warm-up, not counted: native %.2f s, /v1 %.2f s%n",
                    nativePath(http, base, speech.wav()), openAiPath(http, base, speech.wav()));
            for (int round = 1; round <= ROUNDS; round++) {
                boolean openAiFirst = round % 2 == 0;
                double openAi = openAiFirst ? openAiPath(http, base, speech.wav()) : 0;
                double nativeSeconds = nativePath(http, base, speech.wav());
                if (!openAiFirst) {
                    openAi = openAiPath(http, base, speech.wav());
                }
                ratios.add(openAi / nativeSeconds);
                System.out.printf(Locale.ROOT, "round %d (%s first): native %.3f s, /v1 %.3f s, ratio %.3f%n", round,
                        openAiFirst ? "/v1" : "native", nativeSeconds, openAi, openAi / nativeSeconds);
            }
        } finally {
            try (var paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        ratios.sort(null);
        double median = ratios.size() % 2 == 1 ? ratios.get(ratios.size() / 2)
                : (ratios.get(ratios.size() / 2 - 1) + ratios.get(ratios.size() / 2)) / 2;
        System.out.printf(Locale.ROOT, "summary: /v1 over native upload-then-poll, median of %d: %.3f (target <= 1.02)%n",
                ROUNDS, median);
    }

    /** POST /api/v1/jobs, long polls until the job ends, then fetches the transcript: seconds, client side. */
    static double nativePath(HttpClient http, URI base, Path file) throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> accepted = http.send(multipart(base.resolve("/api/v1/jobs"), file, Map.of(
                "language", "en")), HttpResponse.BodyHandlers.ofString());
        require(accepted, 202);
        String id = field(accepted.body(), "id");
        String status = "queued";
        while (!status.equals("completed") && !status.equals("failed") && !status.equals("canceled")) {
            HttpResponse<String> job = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/jobs/" + id
                    + "?wait=60")).build(), HttpResponse.BodyHandlers.ofString());
            status = field(job.body(), "status");
        }
        if (!status.equals("completed")) {
            throw new IllegalStateException("job " + id + " ended " + status);
        }
        require(http.send(HttpRequest.newBuilder(base.resolve("/api/v1/jobs/" + id + "/transcript?format=json"))
                .build(), HttpResponse.BodyHandlers.ofString()), 200);
        return (System.nanoTime() - started) / 1e9;
    }

    /** One POST /v1/audio/transcriptions that answers with the transcript: seconds, client side. */
    static double openAiPath(HttpClient http, URI base, Path file) throws Exception {
        long started = System.nanoTime();
        require(http.send(multipart(base.resolve("/v1/audio/transcriptions"), file, Map.of("model", "whisper-1",
                "language", "en", "response_format", "json")), HttpResponse.BodyHandlers.ofString()), 200);
        return (System.nanoTime() - started) / 1e9;
    }

    static HttpRequest multipart(URI uri, Path file, Map<String, String> fields) throws Exception {
        StringBuilder head = new StringBuilder();
        fields.forEach((name, value) -> head.append("--").append(BOUNDARY)
                .append("\r\nContent-Disposition: form-data; name=\"").append(name).append("\"\r\n\r\n")
                .append(value).append("\r\n"));
        head.append("--").append(BOUNDARY).append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
                .append(file.getFileName()).append("\"\r\nContent-Type: audio/wav\r\n\r\n");
        return HttpRequest.newBuilder(uri).header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head.toString()),
                        HttpRequest.BodyPublishers.ofFile(file),
                        HttpRequest.BodyPublishers.ofString("\r\n--" + BOUNDARY + "--\r\n"))).build();
    }

    static void require(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return matcher.group(1);
    }
}
