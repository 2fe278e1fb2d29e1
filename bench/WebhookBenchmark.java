import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.scriptorium.app.Application;
import dev.scriptorium.app.Role;
import dev.scriptorium.app.ScriptoriumConfig;
import dev.scriptorium.whisper.SyntheticModel;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook delivery latency. Run with bench/webhooks.sh. One in-process serve on embedded defaults (WORKER_SLOTS
 * BENCH_SLOTS, the synthetic tiny-dims model, greedy, no timestamp tokens, no temperature fallback, no VAD, no rate
 * limits) with WEBHOOK_SECRET set to a fresh secret and OUTBOUND_ALLOW_PRIVATE=127.0.0.1/32; a receiver in this JVM
 * (com.sun.net.httpserver on 127.0.0.1) that notes when each event arrives (Instant.now(), after its body is read),
 * verifies its Standard Webhooks signature itself and answers 204. BENCH_JOBS jobs of one short generated tone, each
 * with webhook_url, go in as a steady stream: at most BENCH_WINDOW jobs are in flight (a job leaves the window when
 * its first event arrives). Per job, latency is the event's arrival minus the job's completed_at as GET
 * /api/v1/jobs/{id} shows it. Prints how many events arrived, p50/p99/max latency, duplicate deliveries (one
 * webhook-id more than once) and extra events (one job, more than one webhook-id), how many signatures verified, and
 * the server's own attempt log (admin API) for any job whose delivery looked wrong.
 */
public class WebhookBenchmark {
    static final int JOBS = Integer.parseInt(System.getenv().getOrDefault("BENCH_JOBS", "200"));
    static final int SLOTS = Integer.parseInt(System.getenv().getOrDefault("BENCH_SLOTS", "2"));
    static final int THREADS = Integer.parseInt(System.getenv().getOrDefault("BENCH_THREADS", "1"));
    static final int WINDOW = Integer.parseInt(System.getenv().getOrDefault("BENCH_WINDOW",
            String.valueOf(4 * SLOTS)));
    static final double SECONDS = Double.parseDouble(System.getenv().getOrDefault("BENCH_SECONDS", "1.5"));
    /** How long to keep listening after the last job ended, for late or repeated deliveries. */
    static final int GRACE_SECONDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_GRACE_SECONDS", "15"));
    static final String BOUNDARY = "bench-boundary";
    static final ObjectMapper JSON = new ObjectMapper();

    /** One request the receiver got. */
    record Receipt(String webhookId, String jobId, String type, Instant receivedAt, boolean verified,
                   long timestampSkewSeconds, String dataStatus) {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("scriptorium-webhook-bench");
        Path model = work.resolve("synthetic-tiny.bin");
        SyntheticModel.write(model, SyntheticModel.Dims.TINY, 42);
        Path tone = work.resolve("tone.wav");
        run("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                String.format(Locale.ROOT, "sine=frequency=440:sample_rate=16000:duration=%.3f", SECONDS),
                "-c:a", "pcm_s16le", "-map_metadata", "-1", "-fflags", "+bitexact", tone.toString());
        byte[] toneBytes = Files.readAllBytes(tone);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
        byte[] token = new byte[16];
        new SecureRandom().nextBytes(token);
        String adminToken = HexFormat.of().formatHex(token);

        List<Receipt> receipts = new CopyOnWriteArrayList<>();
        Map<String, Instant> firstByJob = new ConcurrentHashMap<>();
        Semaphore window = new Semaphore(WINDOW);
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        receiver.setExecutor(Executors.newFixedThreadPool(4));
        receiver.createContext("/hook", exchange -> {
            try (exchange) {
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
                Instant received = Instant.now();
                String id = exchange.getRequestHeaders().getFirst("webhook-id");
                String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
                String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
                String text = new String(body, StandardCharsets.UTF_8);
                boolean verified = verify(key, id, timestamp, text, signature);
                long skew = timestamp == null ? Long.MAX_VALUE
                        : received.getEpochSecond() - Long.parseLong(timestamp);
                String jobId = null;
                String type = null;
                String status = null;
                try {
                    JsonNode event = JSON.readTree(text);
                    jobId = event.path("data").path("id").asText(null);
                    type = event.path("type").asText(null);
                    status = event.path("data").path("status").asText(null);
                } catch (Exception e) {
                    // Counted as an event without a job id below.
                }
                receipts.add(new Receipt(id, jobId, type, received, verified, skew, status));
                if (jobId != null && firstByJob.putIfAbsent(jobId, received) == null) {
                    window.release();
                }
                exchange.sendResponseHeaders(204, -1);
            }
        });
        receiver.start();
        String hookUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";

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
        env.put("WORKER_SLOTS", String.valueOf(SLOTS));
        env.put("VAD", "false");
        env.put("RATE_LIMIT_UPLOADS_PER_MINUTE", "0");
        env.put("RATE_LIMIT_REQUESTS_PER_MINUTE", "0");
        env.put("OUTBOUND_ALLOW_PRIVATE", "127.0.0.1/32");
        env.put("WEBHOOK_SECRET", secret);
        env.put("ADMIN_TOKEN", adminToken);
        System.out.printf(Locale.ROOT, "input: %.1f s 440 Hz tone, 16 kHz WAV, %d bytes; model: synthetic tiny dims; "
                        + "slots: %d x %d Whisper thread(s); cores: %d; jobs: %d, at most %d in flight%n",
                SECONDS, toneBytes.length, SLOTS, THREADS, Runtime.getRuntime().availableProcessors(), JOBS, WINDOW);

        List<String> ids = new ArrayList<>();
        Map<String, Instant> completedAt = new LinkedHashMap<>();
        Map<String, String> endStatus = new LinkedHashMap<>();
        try (Application app = Application.start(Role.SERVE, ScriptoriumConfig.fromEnvironment(env))) {
            URI base = URI.create("http://127.0.0.1:" + app.httpPort().orElseThrow());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            long started = System.nanoTime();
            for (int i = 0; i < JOBS; i++) {
                if (!window.tryAcquire(180, TimeUnit.SECONDS)) {
                    System.out.printf(Locale.ROOT, "warning: no event for 180 s with %d jobs in flight; submitting "
                            + "job %d anyway%n", WINDOW, i + 1);
                }
                // Anonymous jobs never copy an earlier job's transcript (reuse is per API key): each runs Whisper.
                HttpResponse<String> accepted = http.send(multipart(base.resolve("/api/v1/jobs"), toneBytes, Map.of(
                        "language", "en", "webhook_url", hookUrl)), HttpResponse.BodyHandlers.ofString());
                require(accepted, 202);
                ids.add(JSON.readTree(accepted.body()).path("id").asText());
                if ((i + 1) % 50 == 0) {
                    System.out.printf(Locale.ROOT, "  %d submitted, %d events in, %.0f s%n", i + 1,
                            firstByJob.size(), (System.nanoTime() - started) / 1e9);
                }
            }
            // Every job to its end (long polls), then a grace period for late or repeated deliveries.
            for (String id : ids) {
                JsonNode job = waitForEnd(http, base, id);
                endStatus.put(id, job.path("status").asText());
                completedAt.put(id, Instant.parse(job.path("completed_at").asText()));
            }
            double allEnded = (System.nanoTime() - started) / 1e9;
            long graceUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
            while (System.nanoTime() < graceUntil && !firstByJob.keySet().containsAll(ids)) {
                Thread.sleep(200);
            }
            Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(graceUntil - System.nanoTime())));
            System.out.printf(Locale.ROOT, "all %d jobs ended in %.1f s (%.1f jobs/min); listened %d s more%n",
                    ids.size(), allEnded, ids.size() / allEnded * 60, GRACE_SECONDS);
            report(ids, completedAt, endStatus, receipts, http, base, adminToken);
        } finally {
            receiver.stop(0);
            ((java.util.concurrent.ExecutorService) receiver.getExecutor()).shutdownNow();
            try (var paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    static void report(List<String> ids, Map<String, Instant> completedAt, Map<String, String> endStatus,
                       List<Receipt> receipts, HttpClient http, URI base, String adminToken) throws Exception {
        Map<String, List<Receipt>> byJob = new LinkedHashMap<>();
        Map<String, Integer> byWebhookId = new HashMap<>();
        int noJob = 0;
        for (Receipt receipt : receipts) {
            if (receipt.jobId() == null) {
                noJob++;
                continue;
            }
            byJob.computeIfAbsent(receipt.jobId(), ignored -> new ArrayList<>()).add(receipt);
            byWebhookId.merge(String.valueOf(receipt.webhookId()), 1, Integer::sum);
        }
        List<Double> latencies = new ArrayList<>();
        List<String> suspicious = new ArrayList<>();
        int extraEvents = 0;
        for (String id : ids) {
            List<Receipt> got = byJob.getOrDefault(id, List.of());
            if (got.isEmpty()) {
                suspicious.add(id + ": no event arrived");
                continue;
            }
            Instant first = got.stream().map(Receipt::receivedAt).min(Instant::compareTo).orElseThrow();
            latencies.add(Duration.between(completedAt.get(id), first).toNanos() / 1e6);
            long distinctIds = got.stream().map(Receipt::webhookId).distinct().count();
            extraEvents += (int) (distinctIds - 1);
            if (got.size() > 1) {
                suspicious.add(id + ": " + got.size() + " deliveries, " + distinctIds + " webhook-id(s)");
            }
        }
        int duplicates = byWebhookId.values().stream().mapToInt(count -> count - 1).sum();
        long verified = receipts.stream().filter(Receipt::verified).count();
        long stale = receipts.stream().filter(receipt -> Math.abs(receipt.timestampSkewSeconds()) > 300).count();
        Set<String> unknown = new java.util.HashSet<>(byJob.keySet());
        unknown.removeAll(ids);
        Map<String, Long> statuses = new java.util.TreeMap<>();
        endStatus.values().forEach(status -> statuses.merge(status, 1L, Long::sum));
        Map<String, Long> types = new java.util.TreeMap<>();
        receipts.forEach(receipt -> types.merge(String.valueOf(receipt.type()), 1L, Long::sum));
        long mismatched = receipts.stream().filter(receipt -> receipt.jobId() != null && endStatus.containsKey(
                receipt.jobId()) && !endStatus.get(receipt.jobId()).equals(receipt.dataStatus())).count();

        System.out.printf(Locale.ROOT, "jobs ended: %s; events by type: %s%n", statuses, types);
        System.out.printf(Locale.ROOT, "received: %d deliveries for %d of %d jobs (%d without a job id, %d for jobs "
                        + "not submitted here, %d whose data.status differs from the job's end)%n",
                receipts.size(), byJob.keySet().stream().filter(ids::contains).count(), ids.size(), noJob,
                unknown.size(), mismatched);
        printLatencies("latency, completed_at to first arrival", latencies);
        System.out.printf(Locale.ROOT, "duplicate deliveries (same webhook-id again): %d; extra events (a job with "
                + "more than one webhook-id): %d%n", duplicates, extraEvents);
        System.out.printf(Locale.ROOT, "signatures verified: %d of %d (timestamps more than 5 min off: %d)%n",
                verified, receipts.size(), stale);

        // The server's own log of attempts, over all jobs: failed attempts would explain late deliveries.
        int attempts = 0;
        int failedAttempts = 0;
        List<Long> sendMillis = new ArrayList<>();
        List<Double> dispatch = new ArrayList<>();
        for (String id : ids) {
            JsonNode admin = JSON.readTree(http.send(HttpRequest.newBuilder(base.resolve("/api/v1/admin/jobs/" + id))
                    .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString())
                    .body());
            for (JsonNode event : admin.path("webhooks")) {
                for (JsonNode attempt : event.path("attempts")) {
                    if (attempt.path("attempt").asInt() == 1 && completedAt.containsKey(id)) {
                        dispatch.add(Duration.between(completedAt.get(id), Instant.parse(attempt.path("at").asText()))
                                .toNanos() / 1e6);
                    }
                    attempts++;
                    int code = attempt.path("status_code").asInt(0);
                    if (code < 200 || code > 299) {
                        failedAttempts++;
                    }
                    sendMillis.add(attempt.path("latency_ms").asLong());
                }
            }
            if (suspicious.stream().anyMatch(line -> line.startsWith(id))) {
                System.out.println("  " + suspicious.stream().filter(line -> line.startsWith(id)).findFirst()
                        .orElseThrow() + "; server log: " + admin.path("webhooks"));
            }
        }
        sendMillis.sort(null);
        System.out.printf(Locale.ROOT, "server's attempt log: %d attempts, %d not 2xx; the POST itself (latency_ms, "
                        + "the receiver's answer included) p50 %d ms, p99 %d ms, max %d ms%n", attempts, failedAttempts,
                sendMillis.isEmpty() ? 0 : sendMillis.get(sendMillis.size() / 2),
                sendMillis.isEmpty() ? 0 : sendMillis.get(Math.max(0, (int) Math.ceil(0.99 * sendMillis.size()) - 1)),
                sendMillis.isEmpty() ? 0 : sendMillis.get(sendMillis.size() - 1));
        printLatencies("completed_at to the first attempt's start (outbox, queue, pickup)", dispatch);
        System.out.printf(Locale.ROOT, "summary: %d/%d events received, latency p50 %.1f ms, p99 %.1f ms, max %.1f "
                        + "ms, duplicates %d, verified %d/%d%n",
                byJob.keySet().stream().filter(ids::contains).count(), ids.size(),
                latencies.isEmpty() ? Double.NaN : percentile(latencies, 50),
                latencies.isEmpty() ? Double.NaN : percentile(latencies, 99),
                latencies.isEmpty() ? Double.NaN : latencies.get(latencies.size() - 1), duplicates, verified,
                receipts.size());
    }

    static void printLatencies(String label, List<Double> latencies) {
        if (latencies.isEmpty()) {
            return;
        }
        latencies.sort(null);
        System.out.printf(Locale.ROOT, "%s: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms, min %.1f ms, mean "
                        + "%.1f ms (%d jobs)%n", label, percentile(latencies, 50), percentile(latencies, 90),
                percentile(latencies, 99), latencies.get(latencies.size() - 1), latencies.get(0),
                latencies.stream().mapToDouble(Double::doubleValue).average().orElse(0), latencies.size());
    }

    /** Standard Webhooks: v1,base64(HMAC-SHA256(key, id.timestamp.body)); the header may list several, space-separated. */
    static boolean verify(byte[] key, String id, String timestamp, String body, String header) {
        if (id == null || timestamp == null || header == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            for (String part : header.split(" ")) {
                if (part.startsWith("v1,") && MessageDigest.isEqual(expected,
                        Base64.getDecoder().decode(part.substring(3)))) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    /** Long-polls GET /api/v1/jobs/{id}?wait=60 until the job is completed, failed or canceled. */
    static JsonNode waitForEnd(HttpClient http, URI base, String id) throws Exception {
        while (true) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/jobs/" + id
                    + "?wait=60")).build(), HttpResponse.BodyHandlers.ofString());
            require(response, 200);
            JsonNode job = JSON.readTree(response.body());
            String status = job.path("status").asText();
            if (status.equals("completed") || status.equals("failed") || status.equals("canceled")) {
                return job;
            }
        }
    }

    static double percentile(List<Double> sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    static HttpRequest multipart(URI uri, byte[] file, Map<String, String> fields) {
        StringBuilder head = new StringBuilder();
        fields.forEach((name, value) -> head.append("--").append(BOUNDARY)
                .append("\r\nContent-Disposition: form-data; name=\"").append(name).append("\"\r\n\r\n")
                .append(value).append("\r\n"));
        head.append("--").append(BOUNDARY).append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
                .append("tone.wav").append("\"\r\nContent-Type: audio/wav\r\n\r\n");
        return HttpRequest.newBuilder(uri).header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head.toString()),
                        HttpRequest.BodyPublishers.ofByteArray(file),
                        HttpRequest.BodyPublishers.ofString("\r\n--" + BOUNDARY + "--\r\n"))).build();
    }

    static void require(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue());
        }
    }
}
