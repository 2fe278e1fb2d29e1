package dev.scriptorium.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.DroppingProxy;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import io.tus.java.client.ProtocolException;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusURLMemoryStore;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Uploads in the tus 1.0 protocol, driven by tus's own Java client against a running serve: an upload cut off part
 * way resumes where it stopped and stores the same bytes, an offset that does not match is refused as the protocol
 * says, a terminated upload is gone, bad options are refused before a byte is sent, and an abandoned upload is
 * swept. (The Java client has no termination: that request is sent by hand.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumableUploadTest {
    private TestStack stack;
    private ApiClient api;
    private TestMedia media;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("WORKER_SLOTS", "1"));
        api = stack.api();
        media = new TestMedia(stack.dataDir().resolve("media"));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private TusClient client(TusURLMemoryStore urls) throws Exception {
        return client(urls, stack.baseUrl());
    }

    private static TusClient client(TusURLMemoryStore urls, String server) throws Exception {
        TusClient client = new TusClient();
        client.setUploadCreationURL(new URL(server + "/api/v1/uploads"));
        client.enableResuming(urls);
        return client;
    }

    /** Starts an upload through a network that drops after {@code bytes}; the upload's URL is the server's own. */
    private TusUploader cutOff(Path file, long bytes, TusURLMemoryStore urls) throws Exception {
        int port = Integer.parseInt(stack.baseUrl().substring(stack.baseUrl().lastIndexOf(':') + 1));
        try (DroppingProxy network = new DroppingProxy(port, bytes)) {
            TusUploader uploader = client(urls, "http://127.0.0.1:" + network.port()).createUpload(upload(file,
                    Files.newInputStream(file)));
            assertThatThrownBy(() -> send(uploader)).isInstanceOf(IOException.class);
            return uploader;
        }
    }

    private static TusUpload upload(Path file, InputStream bytes) throws IOException {
        TusUpload upload = new TusUpload();
        upload.setSize(Files.size(file));
        upload.setInputStream(bytes);
        upload.setFingerprint("test-" + file.getFileName());
        upload.setMetadata(Map.of("filename", file.getFileName().toString(), "language", "en"));
        return upload;
    }

    /** Sends bytes until the stream ends or breaks. */
    private static void send(TusUploader uploader) throws IOException, ProtocolException {
        uploader.setChunkSize(16 * 1024);
        while (uploader.uploadChunk() > -1) {
            // Each call sends one chunk of the open PATCH request.
        }
        uploader.finish();
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        for (int read = in.read(buffer); read > 0; read = in.read(buffer)) {
            digest.update(buffer, 0, read);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private long serverOffset(URL upload) throws Exception {
        ApiClient.Response head = api.send(HttpRequest.newBuilder(upload.toURI())
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Tus-Resumable", "1.0.0").build());
        assertThat(head.status()).isEqualTo(204);
        return Long.parseLong(head.header("Upload-Offset"));
    }

    @Test
    void anUploadCutOffAtFortyPercentResumesWhereItStoppedAndStoresTheSameBytes() throws Exception {
        Path file = media.tone(30);
        long size = Files.size(file);
        TusURLMemoryStore urls = new TusURLMemoryStore();
        TusUploader first = cutOff(file, size * 2 / 5, urls);

        long resumedFrom = Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> serverOffset(uploadUrl(first)),
                offset -> offset > 0);
        assertThat(resumedFrom).isGreaterThan(0).isLessThanOrEqualTo(size * 2 / 5);
        TusUploader second = client(urls).beginOrResumeUploadFromURL(upload(file, Files.newInputStream(file)),
                uploadUrl(first));
        assertThat(second.getOffset()).isEqualTo(resumedFrom);
        send(second);

        String uploadId = id(first);
        JsonNode jobs = api.get("/api/v1/jobs?idempotency_key=tus:" + uploadId).json().path("jobs");
        assertThat(jobs).hasSize(1);
        String jobId = jobs.get(0).path("id").asText();
        assertThat(jobs.get(0).path("filename").asText()).isEqualTo(file.getFileName().toString());
        String key = Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> stack.application().jobs()
                .find(java.util.UUID.fromString(jobId)).flatMap(job -> job.mediaKey()).orElse(null),
                found -> found != null);
        Path stored = stack.dataDir().resolve("stored-" + jobId);
        stack.objects().download(key, stored);
        try (InputStream original = Files.newInputStream(file); InputStream copy = Files.newInputStream(stored)) {
            assertThat(sha256(copy)).isEqualTo(sha256(original));
        }
    }

    @Test
    void aPatchAtAnOffsetTheServerDoesNotHaveIsRefusedWith409() throws Exception {
        Path file = media.tone(2);
        TusUploader uploader = client(new TusURLMemoryStore()).createUpload(upload(file,
                Files.newInputStream(file)));

        ApiClient.Response patch = api.send(HttpRequest.newBuilder(uploader.getUploadURL().toURI())
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(new byte[100]))
                .header("Tus-Resumable", "1.0.0").header("Upload-Offset", "5000")
                .header("Content-Type", "application/offset+octet-stream").build());

        assertThat(patch.status()).isEqualTo(409);
        assertThat(serverOffset(uploader.getUploadURL())).isZero();
    }

    @Test
    void anUploadTheClientTerminatesIsGoneWithItsBytes() throws Exception {
        TusURLMemoryStore urls = new TusURLMemoryStore();
        TusUploader abandoned = cutOff(media.tone(2), 30_000, urls);
        Path folder = stack.dataDir().resolve("staging").resolve(ResumableUploads.FOLDER).resolve("uploads")
                .resolve(id(abandoned));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> serverOffset(uploadUrl(abandoned)) > 0);

        ApiClient.Response terminated = api.send(HttpRequest.newBuilder(uploadUrl(abandoned).toURI()).DELETE()
                .header("Tus-Resumable", "1.0.0").build());

        assertThat(terminated.status()).isEqualTo(204);
        assertThat(folder).doesNotExist();
        ApiClient.Response gone = api.send(HttpRequest.newBuilder(uploadUrl(abandoned).toURI())
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Tus-Resumable", "1.0.0").build());
        assertThat(gone.status()).isEqualTo(404);
    }

    @Test
    void anUploadWithAnOptionTheServerCannotHonourIsRefusedBeforeAByteIsSent() throws Exception {
        Path file = media.tone(2);
        TusUpload upload = upload(file, Files.newInputStream(file));
        upload.setMetadata(Map.of("filename", "talk.wav", "language", "klingon"));

        assertThatThrownBy(() -> client(new TusURLMemoryStore()).createUpload(upload))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("400");
        ApiClient.Response refused = api.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/uploads"))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", "10").header("Upload-Metadata", "language a2xpbmdvbg==").build());
        assertThat(refused.json().path("error").path("code").asText()).isEqualTo("invalid_option");
    }

    @Test
    void anAbandonedUploadIsSweptAfterTheOrphanGraceAndAnActiveOneIsNot() throws Exception {
        Path file = media.tone(4);
        TusUploader abandoned = cutOff(file, Files.size(file) / 2, new TusURLMemoryStore());
        TusUploader active = cutOff(file, Files.size(file) / 2, new TusURLMemoryStore());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> serverOffset(uploadUrl(active)) > 0);
        Path abandonedFolder = stack.dataDir().resolve("staging").resolve(ResumableUploads.FOLDER).resolve("uploads")
                .resolve(id(abandoned));
        assertThat(abandonedFolder).isDirectory();
        FileTime twoDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
        try (Stream<Path> files = Files.walk(abandonedFolder)) {
            for (Path path : files.toList()) {
                Files.setLastModifiedTime(path, twoDaysAgo);
            }
        }

        stack.application().cleanup().run(false, deletion -> { });

        assertThat(abandonedFolder).doesNotExist();
        assertThat(serverOffset(uploadUrl(active))).isGreaterThan(0);
        ApiClient.Response gone = api.send(HttpRequest.newBuilder(uploadUrl(abandoned).toURI())
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Tus-Resumable", "1.0.0").build());
        assertThat(gone.status()).isIn(404, 410);
    }

    private static String id(TusUploader uploader) {
        String path = uploader.getUploadURL().getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The upload's URL on the server itself, not through the network that dropped. */
    private URL uploadUrl(TusUploader uploader) throws Exception {
        return new URL(stack.baseUrl() + "/api/v1/uploads/" + id(uploader));
    }
}
