package dev.scriptorium.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A webhook receiver in Node.js (src/test/standard-webhooks/receiver.mjs, its package installed by the test build)
 * that records every request it gets and verifies each with the Standard Webhooks reference library (npm
 * standardwebhooks), so that the tests check Scriptorium's signatures against the specification's own code rather
 * than against Scriptorium's signer. The path of the URL chooses the answer: {@code /ok/NAME} 200,
 * {@code /fail/N/NAME} 500 to the first N requests then 200, {@code /status/CODE/NAME} always CODE,
 * {@code /hang/NAME} never, {@code /redirect/NAME?to=URL} 302 to URL. One process per instance; close it.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final Path PACKAGE = Path.of("src/test/standard-webhooks").toAbsolutePath();
    private static final Path RECEIVER = PACKAGE.resolve("receiver.mjs");
    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One request the receiver got, as the reference library judged it with the secret asked for. {@code id},
     * {@code timestamp} and {@code signature} are the webhook-* headers (null when absent); {@code answered} is the
     * status it answered, 0 while it has answered nothing (a /hang/ path); {@code verified} and {@code verifyError}
     * are what {@code new Webhook(secret).verify(body, headers)} said (it also rejects timestamps more than five
     * minutes from now); {@code payload} is the body parsed as JSON, null when it is not JSON.
     */
    public record Delivery(String path, String id, String timestamp, String signature, String body,
            long receivedAtMillis, int answered, boolean verified, String verifyError, JsonNode payload) {
    }

    private final Process process;
    private final int port;
    private final StringBuffer stderr;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private WebhookReceiver(Process process, int port, StringBuffer stderr) {
        this.process = process;
        this.port = port;
        this.stderr = stderr;
    }

    /** Starts {@code node receiver.mjs} and waits (up to 20 s) until it listens. */
    public static WebhookReceiver start() throws IOException, InterruptedException {
        if (!Files.isDirectory(PACKAGE.resolve("node_modules").resolve("standardwebhooks"))) {
            throw new AssertionError(PACKAGE.resolve("node_modules/standardwebhooks")
                    + " is missing: run mvn generate-test-resources (it runs npm ci in " + PACKAGE + ")");
        }
        Process process = new ProcessBuilder("node", RECEIVER.toString()).directory(PACKAGE.toFile()).start();
        StringBuffer stderr = new StringBuffer();
        StringBuffer stdout = new StringBuffer();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        drain("webhook-receiver-stderr", process.getErrorStream(), stderr, null);
        drain("webhook-receiver-stdout", process.getInputStream(), stdout, listening);
        try {
            int port = listening.get(START.toMillis(), TimeUnit.MILLISECONDS);
            return new WebhookReceiver(process, port, stderr);
        } catch (ExecutionException | TimeoutException failed) {
            String exit = process.isAlive() ? "" : " (it exited " + process.exitValue() + ")";
            stop(process);
            throw new AssertionError("node " + RECEIVER + " did not listen within " + START.toSeconds() + " s" + exit
                    + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr, failed);
        } catch (InterruptedException interrupted) {
            stop(process);
            throw interrupted;
        }
    }

    /** Reads {@code stream} to {@code into} on a daemon thread; the first "listening PORT" line completes it. */
    private static void drain(String name, InputStream stream, StringBuffer into, CompletableFuture<Integer> port) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    into.append(line).append('\n');
                    if (port != null && !port.isDone() && line.startsWith("listening ")) {
                        port.complete(Integer.parseInt(line.substring("listening ".length()).trim()));
                    }
                }
            } catch (IOException | RuntimeException closed) {
                into.append("[").append(name).append(": ").append(closed).append("]\n");
            } finally {
                if (port != null) {
                    port.completeExceptionally(new IOException("the receiver's stdout ended"));
                }
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** {@code http://127.0.0.1:PORT} + {@code path}, e.g. {@code url("/fail/2/retries")}. */
    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Every request received so far, oldest first, each verified with {@code secret} ("whsec_..."). */
    public List<Delivery> deliveries(String secret) throws IOException, InterruptedException {
        return deliveries(secret, "");
    }

    /** The requests received so far whose path starts with {@code pathPrefix}, oldest first. */
    public List<Delivery> deliveries(String secret, String pathPrefix) throws IOException, InterruptedException {
        List<Delivery> deliveries = new ArrayList<>();
        for (JsonNode node : rawDeliveries(secret, pathPrefix)) {
            deliveries.add(new Delivery(text(node, "path"), text(node, "id"), text(node, "timestamp"),
                    text(node, "signature"), text(node, "body"), node.path("receivedAtMillis").asLong(),
                    node.path("answered").asInt(0), node.path("verified").asBoolean(false),
                    text(node, "verifyError"), node.hasNonNull("payload") ? node.get("payload") : null));
        }
        return deliveries;
    }

    /**
     * The control API's JSON array as it is, for what {@link Delivery} leaves out: {@code method}, {@code target}
     * (path and query), all {@code headers}, {@code answeredAtMillis}, {@code clientClosedAtMillis} (when the sender
     * gave up on a request that had no answer).
     */
    public JsonNode rawDeliveries(String secret, String pathPrefix) throws IOException, InterruptedException {
        URI uri = url("/_control/deliveries?secret=" + URLEncoder.encode(secret, StandardCharsets.UTF_8)
                + "&path_prefix=" + URLEncoder.encode(pathPrefix, StandardCharsets.UTF_8));
        HttpResponse<String> response = control(HttpRequest.newBuilder(uri).GET());
        return JSON.readTree(response.body());
    }

    /**
     * Waits (polling every 100 ms) until at least {@code count} requests under {@code pathPrefix} arrived and
     * returns them all; fails listing what did arrive when {@code timeout} runs out first.
     */
    public List<Delivery> awaitDeliveries(String secret, String pathPrefix, int count, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Delivery> deliveries = deliveries(secret, pathPrefix);
            if (deliveries.size() >= count) {
                return deliveries;
            }
            if (System.nanoTime() - deadline >= 0) {
                StringBuilder arrived = new StringBuilder();
                for (Delivery delivery : deliveries) {
                    arrived.append("\n  ").append(delivery.path()).append(" id=").append(delivery.id())
                            .append(" answered=").append(delivery.answered()).append(" verified=")
                            .append(delivery.verified())
                            .append(delivery.verifyError() == null ? "" : " (" + delivery.verifyError() + ")")
                            .append(" at ").append(delivery.receivedAtMillis());
                }
                throw new AssertionError("expected at least " + count + " webhook deliveries under '" + pathPrefix
                        + "' within " + timeout + ", got " + deliveries.size() + ":" + arrived + stderrNote());
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** Forgets every recorded request and every /fail/ count. */
    public void reset() throws IOException, InterruptedException {
        control(HttpRequest.newBuilder(url("/_control/reset")).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** What the receiver wrote to stderr so far. */
    public String stderr() {
        return stderr.toString();
    }

    private HttpResponse<String> control(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException failed) {
            throw new IOException("the webhook receiver did not answer " + request.build().uri().getPath()
                    + (process.isAlive() ? "" : " (it exited " + process.exitValue() + ")") + stderrNote(), failed);
        }
        if (response.statusCode() != 200) {
            throw new AssertionError("the webhook receiver answered " + response.statusCode() + " to "
                    + response.uri().getPath() + ": " + response.body() + stderrNote());
        }
        return response;
    }

    private String stderrNote() {
        String text = stderr.toString();
        return text.isEmpty() ? "" : "\nreceiver stderr:\n" + text;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static void stop(Process process) throws InterruptedException {
        try {
            process.getOutputStream().close();  // The receiver exits when its stdin closes.
        } catch (IOException ignored) {
            // Already gone.
        }
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        try {
            process.getInputStream().close();
            process.getErrorStream().close();
        } catch (IOException ignored) {
            // Closing is all that is left to do.
        }
    }

    /** Stops the receiver: closes its stdin, destroys it, waits, and destroys it forcibly if it still runs. */
    @Override
    public void close() {
        try {
            stop(process);
        } catch (InterruptedException interrupted) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
