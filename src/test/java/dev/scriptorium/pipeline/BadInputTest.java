package dev.scriptorium.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.Patience;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input ends in a clear answer, loses nothing and leaves the service working. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    /** Short files, one at a time. */
    private static final Duration TIMEOUT = Patience.forAudio(30);
    private static final long LIMIT = 5L * 1024 * 1024;
    @TempDir
    static Path mediaDir;
    private TestStack stack;
    private ApiClient api;
    private TestMedia media;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("MAX_UPLOAD_BYTES", String.valueOf(LIMIT), "MAX_DURATION_SECONDS", "25"));
        api = stack.api();
        media = new TestMedia(mediaDir);
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private JsonNode uploadAndWait(Path file) throws Exception {
        ApiClient.Response response = api.upload(file, Map.of());
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return api.awaitFinished(response.json().get("id").asText(), TIMEOUT);
    }

    private static void assertFailed(JsonNode job, String code) {
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("failed");
        assertThat(job.get("failure_code").asText()).isEqualTo(code);
        assertThat(job.get("failure_reason").asText()).hasSizeGreaterThan(20).doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void anEmptyFileFailsWithEmptyFile() throws Exception {
        assertFailed(uploadAndWait(media.emptyFile("nothing.mp4")), "empty_file");
    }

    @Test
    void aTextFileNamedMp4FailsWithUnsupportedFormat() throws Exception {
        assertFailed(uploadAndWait(media.textFileNamedMp4()), "unsupported_format");
    }

    @Test
    void aVideoWithoutAudioFailsWithNoAudio() throws Exception {
        assertFailed(uploadAndWait(media.videoWithoutAudio()), "no_audio");
    }

    @Test
    void aTruncatedMp4FailsWithTruncatedMedia() throws Exception {
        assertFailed(uploadAndWait(media.truncatedMp4()), "truncated_media");
    }

    @Test
    void mediaLongerThanTheLimitFailsWithTooLongNamingTheLimit() throws Exception {
        JsonNode job = uploadAndWait(media.tone(40));
        assertFailed(job, "too_long");
        assertThat(job.get("failure_reason").asText()).contains("25 s");
        assertThat(job.get("media").get("duration_seconds").asDouble()).isEqualTo(40.0);
    }

    @Test
    void aDashManifestNamedMp4NeverReadsTheFileItPointsAt() throws Exception {
        Path secret = media.m4a("The secret password is swordfish.");
        assertLeaksNothing(uploadAndWait(media.dashManifestNamedMp4(secret)), secret);
    }

    @Test
    void anFfconcatListNamedMp4NeverReadsTheFileItPointsAt() throws Exception {
        Path secret = media.m4a("The secret password is swordfish.");
        assertLeaksNothing(uploadAndWait(media.ffconcatNamedMp4(secret)), secret);
    }

    @Test
    void anHlsPlaylistNeverReadsTheFileItPointsAt() throws Exception {
        Path secret = media.m4a("The secret password is swordfish.");
        assertLeaksNothing(uploadAndWait(media.hlsPlaylistPointingAt(secret)), secret);
    }

    private void assertLeaksNothing(JsonNode job, Path secret) throws Exception {
        assertFailed(job, "unsupported_format");
        assertThat(job.get("media").get("duration_seconds").isNull()).isTrue();
        assertThat(job.toString()).doesNotContain(secret.getFileName().toString());
        UUID id = UUID.fromString(job.get("id").asText());
        assertThat(stack.database().count("select count(*) from transcript where job_id = ?", id)).isZero();
        assertThat(api.get("/api/v1/jobs/" + id + "/transcript?format=txt").status()).isEqualTo(409);
    }

    @Test
    void anUploadOverTheLimitGets413AndLeavesNoPartialFileOrJob() throws Exception {
        Path big = mediaDir.resolve("big.mp4");
        Files.write(big, new byte[(int) LIMIT + 1024]);
        long jobsBefore = stack.database().count("select count(*) from transcription_job");
        ApiClient.Response response = api.upload(big, Map.of());
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.json().get("error").get("code").asText()).isEqualTo("file_too_large");
        assertThat(response.json().get("error").get("message").asText()).contains("5 MiB");
        assertThat(stack.database().count("select count(*) from transcription_job")).isEqualTo(jobsBefore);
        assertNoPartialUploads();
    }

    @Test
    void aStreamedUploadOverTheLimitWithoutContentLengthGets413AndLeavesNoPartialFile() throws Exception {
        String boundary = "limit-test";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.mp4\""
                + "\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[(int) (LIMIT * 2)];
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/jobs"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(
                        new SequenceInputStream(new ByteArrayInputStream(head), new ByteArrayInputStream(body)),
                        new ByteArrayInputStream(tail))))
                .build();
        ApiClient.Response response = api.send(request);
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.json().get("error").get("code").asText()).isEqualTo("file_too_large");
        assertNoPartialUploads();
    }

    @Test
    void anUploadDeclaringMoreThanTheLimitGets413BeforeSendingABodyByte() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", URI.create(baseUrl()).getPort())) {
            // Bounds a server that waits for the body instead of answering: the test fails rather than hangs.
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(("POST /api/v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: multipart/form-data; boundary=limit-test\r\n"
                    + "Content-Length: " + 10L * 1024 * 1024 * 1024 + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();

            InputStream in = socket.getInputStream();
            String statusLine = line(in);
            Map<String, String> headers = new HashMap<>();
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).strip().toLowerCase(Locale.ROOT), header.substring(colon + 1)
                        .strip());
            }
            byte[] body = headers.containsKey("content-length")
                    ? in.readNBytes(Integer.parseInt(headers.get("content-length"))) : in.readAllBytes();
            JsonNode error = new ObjectMapper().readTree(body).get("error");

            assertThat(statusLine).startsWith("HTTP/1.1 413");
            assertThat(error.get("code").asText()).isEqualTo("file_too_large");
            assertThat(error.get("message").asText()).contains("5 MiB").contains("Upload a smaller file");
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("The connection closed after: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private void assertNoPartialUploads() throws Exception {
        Path incoming = stack.dataDir().resolve("staging").resolve("incoming");
        try (var left = Files.list(incoming)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void anUnknownJobIdGets404WithAnErrorBody() throws Exception {
        ApiClient.Response response = api.get("/api/v1/jobs/" + UUID.randomUUID());
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("error").get("code").asText()).isEqualTo("not_found");
    }

    @Test
    void aMalformedJobIdGets400SayingWhatAnIdLooksLike() throws Exception {
        ApiClient.Response response = api.get("/api/v1/jobs/not-a-uuid");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").get("code").asText()).isEqualTo("invalid_job_id");
        assertThat(response.json().get("error").get("message").asText()).contains("UUID");
    }

    @Test
    void anUploadWithoutAFileFieldGets400() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/jobs"))
                .header("Content-Type", "multipart/form-data; boundary=x")
                .POST(HttpRequest.BodyPublishers.ofString("--x\r\nContent-Disposition: form-data; name=\"task\""
                        + "\r\n\r\ntranscribe\r\n--x--\r\n"))
                .build();
        ApiClient.Response response = api.send(request);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").get("code").asText()).isEqualTo("missing_file");
    }

    @Test
    void anUnknownLanguageGets400NamingTheField() throws Exception {
        ApiClient.Response response = api.upload(media.wav(), Map.of("language", "klingon"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").get("message").asText()).contains("language");
        assertNoPartialUploads();
    }

    @Test
    void afterBadInputTheNextGoodJobStillCompletes() throws Exception {
        uploadAndWait(media.textFileNamedMp4());
        uploadAndWait(media.emptyFile("empty.wav"));
        JsonNode good = uploadAndWait(media.mp4H264Aac());
        assertThat(good.get("status").asText()).as(good.toString()).isEqualTo("completed");
    }

    private String baseUrl() {
        return stack.baseUrl();
    }
}
