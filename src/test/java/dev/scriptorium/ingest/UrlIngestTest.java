package dev.scriptorium.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.scriptorium.storage.ObjectStore;
import dev.scriptorium.storage.StorageSettings;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * POST /api/v1/jobs with {"url": ...}: the ingest queue fetches the media under the outbound guard. The media server
 * listens on 127.0.0.2, the only address the guard is told to allow; a listener on 127.0.0.1 (and ::1) records every
 * connection, so that a refusal is proven to connect nowhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UrlIngestTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final long MAX_BYTES = 8L * 1024 * 1024;
    @TempDir
    static Path dir;
    private TestStack stack;
    private ApiClient api;
    private HttpServer media;
    private Path mp4;
    private final List<Socket> loopbackConnections = new CopyOnWriteArrayList<>();
    private ServerSocket loopback;
    private ServerSocket loopbackSix;

    @BeforeAll
    void start() throws Exception {
        mp4 = new TestMedia(dir.resolve("media")).mp4H264Aac();
        media = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0), 0);
        media.setExecutor(Executors.newCachedThreadPool());
        media.createContext("/talk.mp4", exchange -> serveFile(exchange, mp4));
        media.createContext("/missing.mp4", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        media.createContext("/endless", UrlIngestTest::serveForever);
        media.createContext("/stall", exchange -> sleepQuietly(Duration.ofSeconds(60)));
        media.createContext("/to-loopback", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + loopback.getLocalPort() + "/x.mp4");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        media.start();
        loopback = recordingListener(InetAddress.getByName("127.0.0.1"));
        try {
            loopbackSix = recordingListener(InetAddress.getByName("::1"));
        } catch (IOException e) {
            loopbackSix = null;
        }
        stack = TestStack.start(Map.of("OUTBOUND_ALLOW_PRIVATE", "127.0.0.2/32",
                "MAX_UPLOAD_BYTES", Long.toString(MAX_BYTES), "DOWNLOAD_DEADLINE_SECONDS", "5",
                "SOURCE_S3_BUCKETS", "open-media"));
        api = stack.api();
        StorageSettings store = stack.storageSettings();
        for (String bucket : List.of("open-media", "closed-media")) {
            try (ObjectStore objects = new ObjectStore(new StorageSettings(store.endpoint(), bucket,
                    store.accessKey(), store.secretKey(), store.region(), store.pathStyle()))) {
                objects.ensureBucket();
                objects.put("talks/talk.mp4", mp4, "video/mp4");
            }
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (media != null) {
            media.stop(0);
        }
        for (ServerSocket listener : Stream.of(loopback, loopbackSix).filter(java.util.Objects::nonNull).toList()) {
            listener.close();
        }
    }

    private ServerSocket recordingListener(InetAddress address) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, address);
        Thread accept = new Thread(() -> {
            while (!listener.isClosed()) {
                try {
                    loopbackConnections.add(listener.accept());
                } catch (IOException e) {
                    return;
                }
            }
        }, "recording-listener");
        accept.setDaemon(true);
        accept.start();
        return listener;
    }

    private static void serveFile(HttpExchange exchange, Path file) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "video/mp4");
        exchange.sendResponseHeaders(200, Files.size(file));
        try (OutputStream out = exchange.getResponseBody()) {
            Files.copy(file, out);
        }
    }

    private static void serveForever(HttpExchange exchange) throws IOException {
        exchange.sendResponseHeaders(200, 0);
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = exchange.getResponseBody()) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            // The fetcher hung up: what this endpoint is for.
        }
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String mediaUrl(String path) {
        return "http://127.0.0.2:" + media.getAddress().getPort() + path;
    }

    private ApiClient.Response submitUrl(String url) throws Exception {
        return api.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"" + url + "\"}")).build());
    }

    private JsonNode submitAndAwait(String url) throws Exception {
        ApiClient.Response accepted = submitUrl(url);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        return api.awaitFinished(accepted.json().get("id").asText(), PATIENCE);
    }

    private List<Path> stagedFiles(String jobId) throws IOException {
        try (Stream<Path> files = Files.walk(stack.dataDir().resolve("staging"))) {
            return files.filter(file -> file.getFileName().toString().startsWith(jobId)).toList();
        }
    }

    @Test
    void anMp4ServedOverHttpCompletes() throws Exception {
        JsonNode job = submitAndAwait(mediaUrl("/talk.mp4"));

        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(job.get("filename").asText()).isEqualTo("talk.mp4");
        assertThat(job.at("/media/size_bytes").asLong()).isEqualTo(Files.size(mp4));
    }

    @Test
    void a404FailsWithDownloadFailed() throws Exception {
        JsonNode job = submitAndAwait(mediaUrl("/missing.mp4"));

        assertThat(job.get("failure_code").asText()).isEqualTo("download_failed");
        assertThat(job.get("failure_reason").asText()).contains("404");
    }

    @Test
    void anEndlessBodyStopsAtTheSizeLimitAndThePartialFileIsGone() throws Exception {
        JsonNode job = submitAndAwait(mediaUrl("/endless"));

        assertThat(job.get("failure_code").asText()).isEqualTo("too_large");
        assertThat(stagedFiles(job.get("id").asText())).isEmpty();
    }

    @Test
    void aStalledServerGivesDownloadTimeout() throws Exception {
        JsonNode job = submitAndAwait(mediaUrl("/stall"));

        assertThat(job.get("failure_code").asText()).isEqualTo("download_timeout");
        assertThat(stagedFiles(job.get("id").asText())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:PORT/talk.mp4", "http://[::1]:PORT6/talk.mp4",
            "http://[::ffff:127.0.0.1]:PORT/talk.mp4", "http://localhost:PORT/talk.mp4", "http://10.0.0.1/talk.mp4",
            "http://169.254.169.254/latest/meta-data/", "http://[fd00::1]/talk.mp4"})
    void theGuardRefusesPrivateAddressesWithDownloadForbiddenAndConnectsNowhere(String template) throws Exception {
        int before = loopbackConnections.size();
        String url = template.replace("PORT6", Integer.toString(loopbackSix != null ? loopbackSix.getLocalPort()
                : loopback.getLocalPort())).replace("PORT", Integer.toString(loopback.getLocalPort()));

        JsonNode job = submitAndAwait(url);

        assertThat(job.get("failure_code").asText()).as(job.toString()).isEqualTo("download_forbidden");
        assertThat(job.get("failure_reason").asText()).containsAnyOf("loopback", "private", "link-local",
                "unique-local");
        assertThat(loopbackConnections).hasSize(before);
    }

    @Test
    void aRedirectFromAnAllowedServerToLoopbackIsRefusedAndNotFollowed() throws Exception {
        int before = loopbackConnections.size();

        JsonNode job = submitAndAwait(mediaUrl("/to-loopback"));

        assertThat(job.get("failure_code").asText()).as(job.toString()).isEqualTo("download_forbidden");
        assertThat(loopbackConnections).hasSize(before);
    }

    @Test
    void anS3KeyInAnAllowedBucketCompletes() throws Exception {
        JsonNode job = submitAndAwait("s3://open-media/talks/talk.mp4");

        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
    }

    @Test
    void anS3KeyInAnotherBucketIsDownloadForbidden() throws Exception {
        JsonNode job = submitAndAwait("s3://closed-media/talks/talk.mp4");

        assertThat(job.get("failure_code").asText()).isEqualTo("download_forbidden");
        assertThat(job.get("failure_reason").asText()).contains("SOURCE_S3_BUCKETS");
    }

    @Test
    void aUrlThatIsNotHttpOrS3IsA400() throws Exception {
        ApiClient.Response refused = submitUrl("file:///etc/passwd");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("invalid_url");
    }

    @Test
    void aJsonBodyOver64KibIsA413ThatSaysWhereMediaGoes() throws Exception {
        String padding = "x".repeat(70 * 1024);
        ApiClient.Response refused = api.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"" + mediaUrl("/talk.mp4") + "\", \"prompt\": \""
                        + padding + "\"}")).build());

        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("body_too_large");
        assertThat(refused.json().at("/error/message").asText()).contains("multipart/form-data");
    }

    @Test
    void anUnknownFieldIsA400ThatNamesIt() throws Exception {
        ApiClient.Response refused = api.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"" + mediaUrl("/talk.mp4")
                        + "\", \"langauge\": \"en\"}")).build());

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().at("/error/message").asText()).contains("langauge");
    }
}
