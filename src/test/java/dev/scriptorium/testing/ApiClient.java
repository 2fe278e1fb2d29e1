package dev.scriptorium.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A small HTTP client for the Scriptorium API, as a user's script would use it. */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ApiClient(URI base) {
        this.base = base;
    }

    public record Response(int status, Map<String, List<String>> headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Not JSON (HTTP " + status + "): " + body, e);
            }
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    public Response upload(Path file, Map<String, String> fields) throws IOException, InterruptedException {
        return upload(file, file.getFileName().toString(), fields, null);
    }

    /** @param key an API key sent as a bearer token, or null for anonymous use */
    public Response upload(Path file, Map<String, String> fields, String key) throws IOException,
            InterruptedException {
        return upload(file, file.getFileName().toString(), fields, key);
    }

    public Response upload(Path file, String filename, Map<String, String> fields)
            throws IOException, InterruptedException {
        return upload(file, filename, fields, null);
    }

    public Response upload(Path file, String filename, Map<String, String> fields, String key)
            throws IOException, InterruptedException {
        return upload(file, filename, fields, key, Map.of());
    }

    /** @param headers more request headers, such as Idempotency-Key */
    public Response upload(Path file, String filename, Map<String, String> fields, String key,
                           Map<String, String> headers) throws IOException, InterruptedException {
        String boundary = "----scriptorium" + UUID.randomUUID();
        List<HttpRequest.BodyPublisher> parts = new ArrayList<>();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            parts.add(text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
                    + "\"\r\n\r\n" + field.getValue() + "\r\n"));
        }
        parts.add(text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n"));
        parts.add(HttpRequest.BodyPublishers.ofFile(file));
        parts.add(text("\r\n--" + boundary + "--\r\n"));
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve("/api/v1/jobs"));
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
        headers.forEach(builder::header);
        HttpRequest request = builder
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(parts.toArray(HttpRequest.BodyPublisher[]::new)))
                .build();
        return send(request);
    }

    public Response get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().build());
    }

    public Response delete(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE().build());
    }

    public Response post(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** PUT with a JSON body, optionally with a bearer token. */
    public Response putJson(String path, String json, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(request.build());
    }

    public JsonNode job(String id) throws IOException, InterruptedException {
        Response response = get("/api/v1/jobs/" + id);
        if (response.status() != 200) {
            throw new AssertionError("GET job " + id + " answered " + response.status() + ": " + response.body());
        }
        return response.json();
    }

    /** Polls until the job is completed, failed or canceled, and returns it. */
    public JsonNode awaitFinished(String id, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job = job(id);
        while (System.nanoTime() < deadline) {
            job = job(id);
            String status = job.get("status").asText();
            if (status.equals("completed") || status.equals("failed") || status.equals("canceled")) {
                return job;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("Job " + id + " did not finish within " + timeout + "; last seen: " + job);
    }

    public Response send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        // Every answer of the native API must be what its OpenAPI document says.
        ApiContract.check(request.method(), request.uri().getPath(), response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null), response.body());
        return new Response(response.statusCode(), response.headers().map(), response.body());
    }

    private static HttpRequest.BodyPublisher text(String value) {
        return HttpRequest.BodyPublishers.ofString(value, StandardCharsets.UTF_8);
    }
}
