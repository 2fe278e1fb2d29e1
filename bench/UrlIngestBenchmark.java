import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.scriptorium.app.Application;
import dev.scriptorium.app.Role;
import dev.scriptorium.app.ScriptoriumConfig;
import dev.scriptorium.whisper.SyntheticModel;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * Media by URL: how fast the ingest queue fetches a large file and what it costs the heap. Run with
 * bench/url-ingest.sh. A source server in this JVM (com.sun.net.httpserver on 127.0.0.1) sends BENCH_URL_BYTES (1 GiB)
 * of deterministic pseudo-random bytes with a Content-Length, made on the fly (no file on disk). One in-process serve
 * on embedded defaults with OUTBOUND_ALLOW_PRIVATE=127.0.0.1/32, MAX_UPLOAD_BYTES above the size and ADMIN_TOKEN set
 * gets {"url": ...} on POST /api/v1/jobs; the ingest queue downloads it into staging, hashing it as it streams,
 * puts it into the in-process S3Proxy and hands the job on; the worker then fails it at probing (the bytes are no
 * media), which is expected. Per round it prints the download as the source server saw it (request received to last
 * byte written), the ingesting stage of the job's timeline (admin API: download, S3 put, the job's update), what came
 * after the download, and the heap pools' peak during the ingest and until the job ended (peaks reset just before the
 * submit; the source server and the client share the JVM, so these are upper bounds for the server).
 */
public class UrlIngestBenchmark {
    static final long BYTES = Long.parseLong(System.getenv().getOrDefault("BENCH_URL_BYTES", "1073741824"));
    static final int ROUNDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "1"));
    static final int BLOCK = 1 << 20;
    static final ObjectMapper JSON = new ObjectMapper();

    /** One GET the source server answered, as it saw it (System.nanoTime and wall clock). */
    record Served(Instant requested, long requestedNanos, long firstByteNanos, long lastByteNanos, long bytes,
                  String error) {
    }

    /** One heap sample: peak since the last reset, and direct buffers in use. */
    record Sample(Instant at, long heapPeak, long heapUsed, long direct) {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("scriptorium-url-bench");
        Path model = work.resolve("synthetic-tiny.bin");
        SyntheticModel.write(model, SyntheticModel.Dims.TINY, 42);
        byte[] tokenBytes = new byte[16];
        new SecureRandom().nextBytes(tokenBytes);
        String adminToken = HexFormat.of().formatHex(tokenBytes);

        byte[] pattern = new byte[BLOCK];
        new SplittableRandom(42).nextBytes(pattern);
        List<Served> served = new CopyOnWriteArrayList<>();
        HttpServer source = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        source.setExecutor(Executors.newFixedThreadPool(2));
        source.createContext("/media.bin", exchange -> {
            Instant requested = Instant.now();
            long requestedNanos = System.nanoTime();
            long first = 0;
            long sent = 0;
            String error = null;
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                exchange.sendResponseHeaders(200, BYTES);
                byte[] block = pattern.clone();
                OutputStream out = exchange.getResponseBody();
                for (long index = 0; sent < BYTES; index++) {
                    // Each 1 MiB block starts with its number: no two blocks alike.
                    for (int i = 0; i < 8; i++) {
                        block[i] = (byte) (pattern[i] ^ (index >>> (8 * i)));
                    }
                    int length = (int) Math.min(BLOCK, BYTES - sent);
                    if (first == 0) {
                        first = System.nanoTime();
                    }
                    out.write(block, 0, length);
                    sent += length;
                }
                out.close();
            } catch (Exception e) {
                error = e.toString();
            }
            served.add(new Served(requested, requestedNanos, first, System.nanoTime(), sent, error));
        });
        source.start();
        URI media = URI.create("http://127.0.0.1:" + source.getAddress().getPort() + "/media.bin");

        Map<String, String> env = new HashMap<>();
        env.put("DATA_DIR", work.resolve("data").toString());
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("HTTP_PORT", "0");
        env.put("MANAGEMENT_PORT", "0");
        env.put("DASHBOARD_PORT", "0");
        env.put("WHISPER_MODEL", model.toString());
        env.put("WHISPER_THREADS", "1");
        env.put("WHISPER_TIMESTAMPS", "false");
        env.put("WHISPER_TEMPERATURE_FALLBACK", "false");
        env.put("WORKER_SLOTS", "1");
        env.put("VAD", "false");
        env.put("RATE_LIMIT_UPLOADS_PER_MINUTE", "0");
        env.put("RATE_LIMIT_REQUESTS_PER_MINUTE", "0");
        env.put("OUTBOUND_ALLOW_PRIVATE", "127.0.0.1/32");
        env.put("MAX_UPLOAD_BYTES", String.valueOf(BYTES + (64L << 20)));
        env.put("ADMIN_TOKEN", adminToken);
        System.out.printf(Locale.ROOT, "source: %d bytes (%.2f GiB) of pseudo-random bytes over http://127.0.0.1, "
                        + "made on the fly; heap -Xmx %d MB; cores: %d; rounds: %d%n", BYTES, BYTES / (double) (1L << 30),
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(), ROUNDS);

        List<Double> downloadRates = new ArrayList<>();
        List<Double> ingestSeconds = new ArrayList<>();
        List<Long> ingestPeaks = new ArrayList<>();
        try (Application app = Application.start(Role.SERVE, ScriptoriumConfig.fromEnvironment(env))) {
            URI base = URI.create("http://127.0.0.1:" + app.httpPort().orElseThrow());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            for (int round = 1; round <= ROUNDS; round++) {
                served.clear();
                System.gc();
                long before = heapUsed();
                List<Sample> samples = new CopyOnWriteArrayList<>();
                ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
                Thread sampler = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        samples.add(new Sample(Instant.now(), heapPeak(), heapUsed(), directUsed()));
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "heap-sampler");
                sampler.setDaemon(true);
                sampler.start();

                HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/jobs"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"" + media + "\", \"filename\": "
                                + "\"random.bin\"}")).build(), HttpResponse.BodyHandlers.ofString());
                if (accepted.statusCode() != 202) {
                    throw new IllegalStateException("POST /api/v1/jobs answered " + accepted.statusCode() + ": "
                            + accepted.body());
                }
                String id = JSON.readTree(accepted.body()).path("id").asText();
                JsonNode job = waitForEnd(http, base, id);
                sampler.interrupt();
                sampler.join();
                JsonNode admin = JSON.readTree(http.send(HttpRequest.newBuilder(base.resolve("/api/v1/admin/jobs/"
                        + id)).header("Authorization", "Bearer " + adminToken).build(),
                        HttpResponse.BodyHandlers.ofString()).body());

                System.out.printf(Locale.ROOT, "round %d: job %s ended %s (%s: %s)%n", round, id,
                        job.path("status").asText(), job.path("failure_code").asText("-"),
                        job.path("failure_reason").asText("-"));
                System.out.println("  timeline:");
                Instant ingestStart = null;
                Instant ingestEnd = null;
                for (JsonNode event : admin.path("timeline")) {
                    System.out.printf(Locale.ROOT, "    %-10s %-12s %s  %.3f s%n", event.path("status").asText(),
                            event.path("stage").asText("-"), event.path("at").asText(),
                            event.path("seconds").asDouble());
                    Instant at = Instant.parse(event.path("at").asText());
                    if (ingestStart != null && ingestEnd == null) {
                        ingestEnd = at;
                    }
                    if ("ingesting".equals(event.path("stage").asText(null)) && ingestStart == null) {
                        ingestStart = at;
                    }
                }
                for (Served request : served) {
                    double seconds = (request.lastByteNanos() - request.requestedNanos()) / 1e9;
                    System.out.printf(Locale.ROOT, "  source server: GET at %s, %d bytes in %.2f s (request to last "
                                    + "byte written) = %.0f MB/s, first byte after %.1f ms%s%n", request.requested(),
                            request.bytes(), seconds, request.bytes() / 1e6 / seconds,
                            (request.firstByteNanos() - request.requestedNanos()) / 1e6,
                            request.error() == null ? "" : "; " + request.error());
                }
                Instant created = Instant.parse(job.path("created_at").asText());
                if (ingestStart != null && ingestEnd != null) {
                    double ingest = Duration.between(ingestStart, ingestEnd).toNanos() / 1e9;
                    ingestSeconds.add(ingest);
                    System.out.printf(Locale.ROOT, "  queue pickup (created_at to ingesting): %.3f s%n",
                            Duration.between(created, ingestStart).toNanos() / 1e9);
                    System.out.printf(Locale.ROOT, "  ingest (ingesting stage: download hashed as it streams, S3 put,"
                            + " update): %.2f s = %.0f MB/s over the whole%n", ingest, BYTES / 1e6 / ingest);
                    if (served.size() == 1 && served.get(0).error() == null) {
                        Served download = served.get(0);
                        double seconds = (download.lastByteNanos() - download.requestedNanos()) / 1e9;
                        downloadRates.add(BYTES / 1e6 / seconds);
                        Instant lastByte = download.requested().plusNanos(download.lastByteNanos()
                                - download.requestedNanos());
                        double waited = Duration.between(ingestStart, download.requested()).toNanos() / 1e9;
                        double after = Duration.between(lastByte, ingestEnd).toNanos() / 1e9;
                        System.out.printf(Locale.ROOT, "  of which: %.3f s before the GET arrived, %.2f s download, "
                                        + "%.2f s after the last byte (S3 put + update: %.0f MB/s)%n",
                                waited, seconds, after, BYTES / 1e6 / after);
                    }
                    // The first sample at or after the ingest's end: its peak covers the whole ingest (and up to
                    // 50 ms of what followed).
                    Instant end = ingestEnd;
                    Sample atEnd = samples.stream().filter(sample -> !sample.at().isBefore(end)).findFirst()
                            .orElse(samples.get(samples.size() - 1));
                    ingestPeaks.add(atEnd.heapPeak());
                    long directMax = samples.stream().filter(sample -> !sample.at().isAfter(atEnd.at()))
                            .mapToLong(Sample::direct).max().orElse(0);
                    System.out.printf(Locale.ROOT, "  heap: %d MB in use before; peak during the ingest %d MB; "
                                    + "direct buffers at most %d MB (sampled every 50 ms)%n", before >> 20,
                            atEnd.heapPeak() >> 20, directMax >> 20);
                }
                System.out.printf(Locale.ROOT, "  heap peak from the submit until the job ended (the worker's fetch "
                        + "from S3 and probing included): %d MB (-Xmx %d MB)%n", heapPeak() >> 20,
                        Runtime.getRuntime().maxMemory() >> 20);
            }
        } finally {
            source.stop(0);
            ((java.util.concurrent.ExecutorService) source.getExecutor()).shutdownNow();
            try (var paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        System.out.printf(Locale.ROOT, "summary: %.2f GiB by URL, download median %.0f MB/s, ingest median %.2f s, "
                        + "heap peak during ingest median %d MB (%d round(s))%n", BYTES / (double) (1L << 30),
                median(downloadRates), median(ingestSeconds),
                ingestPeaks.isEmpty() ? 0 : (long) median(ingestPeaks.stream().map(peak -> (double) peak).toList())
                        >> 20, ROUNDS);
    }

    /** Long-polls GET /api/v1/jobs/{id}?wait=60 until the job is completed, failed or canceled. */
    static JsonNode waitForEnd(HttpClient http, URI base, String id) throws Exception {
        while (true) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/jobs/" + id
                    + "?wait=60")).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET job answered " + response.statusCode() + ": " + response.body());
            }
            JsonNode job = JSON.readTree(response.body());
            String status = job.path("status").asText();
            if (status.equals("completed") || status.equals("failed") || status.equals("canceled")) {
                return job;
            }
        }
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    }

    static long heapUsed() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getUsage().getUsed()).sum();
    }

    static long heapPeak() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    static long directUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }
}
