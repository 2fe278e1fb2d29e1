package dev.scriptorium.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * The jobs API of a Scriptorium server, as the command uses it. Thread-safe: one instance serves every file of a
 * batch, and the underlying {@link HttpClient} pools its connections.
 */
final class ServerClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(90);
    private final URI base;
    private final Optional<String> key;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    ServerClient(URI base, Optional<String> key) {
        String url = base.toString();
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.key = key;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The job an earlier request with this Idempotency-Key made, if the server still knows it. */
    Optional<JobSnapshot> submitted(String idempotencyKey) throws ServerException {
        HttpResponse<byte[]> response = send(request("api/v1/jobs?idempotency_key="
                + URLEncoder.encode(idempotencyKey, StandardCharsets.UTF_8)).GET().build());
        JsonNode jobs = body(response).path("jobs");
        return jobs.isEmpty() ? Optional.empty() : Optional.of(JobSnapshot.of(jobs.get(0), ""));
    }

    /**
     * Uploads the file as a new job, streaming it from disk.
     *
     * @param sent told how many bytes of the file have gone so far
     */
    UUID submit(Path file, Map<String, String> fields, String idempotencyKey, LongConsumer sent)
            throws ServerException {
        String boundary = "scriptorium-" + UUID.randomUUID();
        StringBuilder head = new StringBuilder();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"")
                    .append(field.getKey()).append("\"\r\n\r\n").append(field.getValue()).append("\r\n");
        }
        head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
                .append(quoted(file.getFileName().toString()))
                .append("\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        byte[] before = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] after = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new ServerException(0, "cannot read " + file.getFileName() + ": " + e.getMessage());
        }
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        return new SequenceInputStream(new ByteArrayInputStream(before), new SequenceInputStream(
                                new Counting(Files.newInputStream(file), sent), new ByteArrayInputStream(after)));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }), before.length + size + after.length);
        HttpRequest request = request("api/v1/jobs")
                // An upload may take long; only the wait for an answer after it is bounded, by the server.
                .timeout(Duration.ofDays(1))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Idempotency-Key", idempotencyKey)
                .POST(body).build();
        return UUID.fromString(body(send(request)).path("id").asText());
    }

    /**
     * The job now, or once it changes from {@code etag}, waiting at most {@code waitSeconds}; the same snapshot
     * when nothing changed.
     */
    JobSnapshot status(JobSnapshot known, int waitSeconds) throws ServerException {
        HttpRequest.Builder builder = request("api/v1/jobs/" + known.id() + "?wait=" + waitSeconds)
                .timeout(Duration.ofSeconds(waitSeconds).plus(REQUEST_TIMEOUT));
        if (!known.etag().isEmpty()) {
            builder.header("If-None-Match", known.etag());
        }
        HttpResponse<byte[]> response = send(builder.GET().build());
        if (response.statusCode() == 304) {
            return known;
        }
        return JobSnapshot.of(body(response), response.headers().firstValue("ETag").orElse(""));
    }

    JobSnapshot status(UUID id) throws ServerException {
        HttpResponse<byte[]> response = send(request("api/v1/jobs/" + id).GET().build());
        return JobSnapshot.of(body(response), response.headers().firstValue("ETag").orElse(""));
    }

    byte[] transcript(UUID id, OutputFormat format) throws ServerException {
        HttpResponse<byte[]> response = send(request("api/v1/jobs/" + id + "/transcript?format="
                + format.extension()).GET().build());
        if (response.statusCode() >= 400) {
            body(response);
        }
        return response.body();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        key.ifPresent(value -> builder.header("Authorization", "Bearer " + value));
        return builder;
    }

    private HttpResponse<byte[]> send(HttpRequest request) throws ServerException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.net.ConnectException e) {
            throw new ServerException(0, "no answer from " + base + " (nothing accepts connections there)");
        } catch (java.net.http.HttpTimeoutException e) {
            throw new ServerException(0, "no answer from " + base + " in time (" + e.getMessage() + ")");
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new ServerException(0, "no answer from " + base + " (" + why + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerException(0, "interrupted");
        }
    }

    /** The body as JSON; a status of 400 or more becomes the server's own message. */
    private JsonNode body(HttpResponse<byte[]> response) throws ServerException {
        JsonNode node;
        try {
            node = json.readTree(response.body());
        } catch (IOException e) {
            node = null;
        }
        if (response.statusCode() >= 400) {
            String message = node != null && node.path("error").path("message").isTextual()
                    ? node.path("error").path("message").asText()
                    : "the server answered HTTP " + response.statusCode();
            throw new ServerException(response.statusCode(), message);
        }
        if (node == null) {
            throw new ServerException(response.statusCode(), "the server's answer is not JSON; is " + base
                    + " a Scriptorium server?");
        }
        return node;
    }

    private static String quoted(String name) {
        return name.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "").replace("\n", "");
    }

    /** Counts the file's bytes as the request reads them. */
    private static final class Counting extends FilterInputStream {
        private final LongConsumer sent;
        private long count;

        Counting(InputStream in, LongConsumer sent) {
            super(in);
            this.sent = sent;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                sent.accept(++count);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
                sent.accept(count);
            }
            return n;
        }
    }

    static Map<String, String> fields(Optional<String> language, Optional<String> task) {
        Map<String, String> fields = new LinkedHashMap<>();
        language.ifPresent(value -> fields.put("language", value));
        task.ifPresent(value -> fields.put("task", value));
        return fields;
    }
}
