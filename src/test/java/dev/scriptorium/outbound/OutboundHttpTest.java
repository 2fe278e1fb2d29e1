package dev.scriptorium.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.scriptorium.outbound.OutboundException.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundHttpTest {
    /** 127.0.0.1 is opened for the local test servers; 127.0.0.2, loopback too, stays refused. */
    private static final OutboundGuard LOCAL_ONLY =
            new OutboundGuard(false, List.of(Cidr.parse("127.0.0.1/32")), InetAddress::getAllByName);
    private static final long MIB = 1024 * 1024;

    private final ExecutorService handlers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "test-http-handler");
        thread.setDaemon(true);
        return thread;
    });
    /** Lets handlers that hold their exchange open end when the test does. */
    private final CountDownLatch testOver = new CountDownLatch(1);
    private final List<AutoCloseable> closeAtEnd = new ArrayList<>();
    private HttpServer server;
    private OutboundHttp http;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(handlers);
        server.start();
        http = open(LOCAL_ONLY, Duration.ofSeconds(5));
    }

    @AfterEach
    void stopAll() throws Exception {
        testOver.countDown();
        for (AutoCloseable closeable : closeAtEnd) {
            closeable.close();
        }
        server.stop(0);
        handlers.shutdownNow();
    }

    @Test
    void aGetOfAnAllowedServerStreamsTheBodyAndReturnsItsSizeAndContentType() throws Exception {
        byte[] media = new byte[300_000];
        new Random(7).nextBytes(media);
        serve("/talk.mp3", exchange -> answer(exchange, 200, "audio/mpeg", media));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();

        OutboundHttp.Fetched fetched = get(http, url("/talk.mp3"), 0, 10 * MIB, sink);

        assertThat(fetched.bytes()).isEqualTo(media.length);
        assertThat(fetched.contentType()).contains("audio/mpeg");
        assertThat(fetched.finalUrl()).isEqualTo(url("/talk.mp3"));
        assertThat(sink.toByteArray()).isEqualTo(media);
    }

    @Test
    void aNameIsConnectedToTheAddressTheGuardResolvedItTo() throws Exception {
        OutboundGuard.Resolver onlyTheGuardKnows = host -> host.equals("media.test")
                ? new InetAddress[]{InetAddress.getByName("127.0.0.1")}
                : InetAddress.getAllByName(host);
        OutboundHttp client = open(new OutboundGuard(false, List.of(Cidr.parse("127.0.0.1/32")), onlyTheGuardKnows),
                Duration.ofSeconds(5));
        AtomicReference<String> hostHeader = new AtomicReference<>();
        serve("/talk.mp3", exchange -> {
            hostHeader.set(exchange.getRequestHeaders().getFirst("Host"));
            answer(exchange, 200, "audio/mpeg", new byte[]{1, 2, 3});
        });
        int port = server.getAddress().getPort();

        OutboundHttp.Fetched fetched = get(client, URI.create("http://media.test:" + port + "/talk.mp3"), 0, MIB,
                new ByteArrayOutputStream());

        assertThat(fetched.bytes()).isEqualTo(3);
        assertThat(hostHeader).hasValue("media.test:" + port);
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 500})
    void aPostReturnsTheReceiversStatus(int status) throws Exception {
        serve("/hook", exchange -> answer(exchange, status, "text/plain", "noted".getBytes(StandardCharsets.UTF_8)));

        assertThat(post(http, url("/hook"), Duration.ofSeconds(5))).isEqualTo(status);
    }

    @Test
    void aPostSendsTheHeadersAndTheBodyExactly() throws Exception {
        AtomicReference<HttpExchange> received = new AtomicReference<>();
        AtomicReference<byte[]> receivedBody = new AtomicReference<>();
        serve("/hook", exchange -> {
            receivedBody.set(exchange.getRequestBody().readAllBytes());
            received.set(exchange);
            answer(exchange, 204, null, new byte[0]);
        });
        byte[] body = "{\"job\":\"j-1\",\"state\":\"done\",\"text\":\"Grüße\"}".getBytes(StandardCharsets.UTF_8);

        int status = http.post(url("/hook"), Map.of("X-Scriptorium-Signature", "sha256=0a1b2c", "X-Event", "job.done"),
                "application/json; charset=utf-8", body, Duration.ofSeconds(5));

        assertThat(status).isEqualTo(204);
        HttpExchange exchange = received.get();
        assertThat(exchange.getRequestMethod()).isEqualTo("POST");
        assertThat(exchange.getRequestHeaders().get("X-Scriptorium-Signature")).containsExactly("sha256=0a1b2c");
        assertThat(exchange.getRequestHeaders().get("X-Event")).containsExactly("job.done");
        assertThat(exchange.getRequestHeaders().get("Content-Type")).containsExactly("application/json; charset=utf-8");
        assertThat(receivedBody.get()).isEqualTo(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "localhost"})
    void aGetOfTheMachineItselfIsRefusedWithoutConnecting(String host) throws Exception {
        Listener listener = listen("127.0.0.1", "::1");
        OutboundHttp strict = open(OutboundGuard.strict(), Duration.ofSeconds(5));

        OutboundException refused = thrown(() -> get(strict, URI.create("http://" + host + ":" + listener.port + "/"),
                0, MIB, new ByteArrayOutputStream()));

        assertThat(refused.kind()).isEqualTo(Kind.REFUSED);
        assertThat(refused.getMessage()).contains("loopback", "does not connect to");
        assertThat(listener.connectionsAfterAMoment()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "localhost"})
    void aPostToTheMachineItselfIsRefusedWithoutConnecting(String host) throws Exception {
        Listener listener = listen("127.0.0.1", "::1");
        OutboundHttp strict = open(OutboundGuard.strict(), Duration.ofSeconds(5));

        OutboundException refused = thrown(() -> post(strict,
                URI.create("http://" + host + ":" + listener.port + "/hook"), Duration.ofSeconds(5)));

        assertThat(refused.kind()).isEqualTo(Kind.REFUSED);
        assertThat(refused.getMessage()).contains("loopback", "does not connect to");
        assertThat(listener.connectionsAfterAMoment()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[fd00::1]/"})
    void privateAndCloudMetadataAddressesAreRefusedWithoutTrying(String url) {
        OutboundHttp strict = open(OutboundGuard.strict(), Duration.ofSeconds(5));
        long start = System.nanoTime();

        OutboundException getRefused = thrown(() -> get(strict, URI.create(url), 0, MIB, new ByteArrayOutputStream()));
        OutboundException postRefused = thrown(() -> post(strict, URI.create(url), Duration.ofSeconds(5)));

        assertThat(getRefused.kind()).isEqualTo(Kind.REFUSED);
        assertThat(postRefused.kind()).isEqualTo(Kind.REFUSED);
        assertThat(getRefused.getMessage()).contains("does not connect to");
        assertThat(elapsedSince(start)).isLessThan(Duration.ofSeconds(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://127.0.0.1/talk.mp3", "file:///etc/passwd"})
    void schemesOtherThanHttpAndHttpsAreRefused(String url) {
        OutboundException getRefused = thrown(() -> get(http, URI.create(url), 0, MIB, new ByteArrayOutputStream()));
        OutboundException postRefused = thrown(() -> post(http, URI.create(url), Duration.ofSeconds(5)));

        assertThat(getRefused.kind()).isEqualTo(Kind.REFUSED);
        assertThat(postRefused.kind()).isEqualTo(Kind.REFUSED);
        assertThat(getRefused.getMessage()).contains("Only http and https");
    }

    @Test
    void aRedirectToAnAddressTheGuardRefusesIsRefusedAndNeverConnected() throws Exception {
        Listener elsewhere = listen("127.0.0.2");
        serve("/away", exchange -> redirect(exchange, "http://127.0.0.2:" + elsewhere.port + "/secret"));

        OutboundException refused = thrown(() -> get(http, url("/away"), 5, MIB, new ByteArrayOutputStream()));

        assertThat(refused.kind()).isEqualTo(Kind.REFUSED);
        assertThat(refused.getMessage()).contains("127.0.0.2", "loopback");
        assertThat(elsewhere.connectionsAfterAMoment()).isZero();
    }

    @Test
    void aRedirectChainWithinTheLimitIsFollowedThroughRelativeLocations() throws Exception {
        serveRedirectChain();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();

        OutboundHttp.Fetched fetched = get(http, url("/chain/3"), 3, MIB, sink);

        assertThat(fetched.finalUrl()).isEqualTo(url("/chain/0"));
        assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("arrived");
    }

    @Test
    void oneRedirectMoreThanTheLimitFails() {
        serveRedirectChain();

        OutboundException failed = thrown(() -> get(http, url("/chain/4"), 3, MIB, new ByteArrayOutputStream()));

        assertThat(failed.kind()).isEqualTo(Kind.FAILED);
        assertThat(failed.getMessage()).containsIgnoringCase("too many redirects");
    }

    @Test
    void aRedirectWithoutLocationFails() {
        serve("/nowhere", exchange -> answer(exchange, 302, null, new byte[0]));

        OutboundException failed = thrown(() -> get(http, url("/nowhere"), 5, MIB, new ByteArrayOutputStream()));

        assertThat(failed.kind()).isEqualTo(Kind.FAILED);
        assertThat(failed.status()).contains(302);
    }

    @Test
    void aNotFoundFailsWithItsStatusNamedInTheMessage() {
        OutboundException failed = thrown(() -> get(http, url("/missing.mp3"), 0, MIB, new ByteArrayOutputStream()));

        assertThat(failed.kind()).isEqualTo(Kind.FAILED);
        assertThat(failed.status()).contains(404);
        assertThat(failed.getMessage()).isEqualTo(url("/missing.mp3") + " answered 404 Not Found.");
    }

    @Test
    void anEndlessBodyStopsPromptlyAtTheSizeLimit() {
        serve("/endless", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = exchange.getResponseBody()) {
                while (true) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // The client hung up, as it should.
            }
        });
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        long start = System.nanoTime();

        OutboundException tooLarge = thrown(() -> get(http, url("/endless"), 0, MIB, sink));

        assertThat(tooLarge.kind()).isEqualTo(Kind.TOO_LARGE);
        assertThat(tooLarge.getMessage()).isEqualTo("The download stopped at 1 MB, the size limit.");
        assertThat(sink.size()).isLessThanOrEqualTo((int) MIB);
        assertThat(elapsedSince(start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void anAnnouncedLengthAboveTheLimitIsTooLargeWithoutReadingTheBody() {
        serve("/huge", exchange -> {
            exchange.sendResponseHeaders(200, 10 * MIB);
            exchange.getResponseBody().flush();
            awaitTestOver();
        });
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        long start = System.nanoTime();

        OutboundException tooLarge = thrown(() -> get(http, url("/huge"), 0, MIB, sink));

        assertThat(tooLarge.kind()).isEqualTo(Kind.TOO_LARGE);
        assertThat(tooLarge.getMessage()).contains("announced 10 MB", "1 MB size limit");
        assertThat(sink.size()).isZero();
        assertThat(elapsedSince(start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aGetOfAServerThatNeverAnswersTimesOutAtTheDeadline() throws Exception {
        Listener silent = listen("127.0.0.1");
        long start = System.nanoTime();

        OutboundException timeout = thrown(() -> http.get(URI.create("http://127.0.0.1:" + silent.port + "/talk.mp3"),
                0, MIB, Instant.now().plusMillis(1000), new ByteArrayOutputStream()));

        assertThat(timeout.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(timeout.getMessage()).contains("within 1 s");
        assertThat(elapsedSince(start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
        assertThat(silent.connectionsAfterAMoment()).isEqualTo(1);
    }

    @Test
    void aPostToAServerThatNeverAnswersTimesOutAtTheDeadline() throws Exception {
        Listener silent = listen("127.0.0.1");
        long start = System.nanoTime();

        OutboundException timeout = thrown(() -> post(http, URI.create("http://127.0.0.1:" + silent.port + "/hook"),
                Duration.ofMillis(1000)));

        assertThat(timeout.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(timeout.getMessage())
                .isEqualTo("http://127.0.0.1:" + silent.port + "/hook did not answer within 1 s.");
        assertThat(elapsedSince(start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
    }

    @Test
    void aBodyTrickledByteByByteIsCutOffAtTheDeadline() {
        serve("/trickle", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                while (!testOver.await(200, TimeUnit.MILLISECONDS)) {
                    out.write('x');
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // The client hung up, as it should.
            }
        });
        long start = System.nanoTime();

        OutboundException timeout = thrown(() -> http.get(url("/trickle"), 0, MIB, Instant.now().plusMillis(1500),
                new ByteArrayOutputStream()));

        assertThat(timeout.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(elapsedSince(start)).isBetween(Duration.ofMillis(1400), Duration.ofSeconds(3));
    }

    @Test
    void aServerSilentForLongerThanTheReadTimeoutTimesOut() throws Exception {
        Listener silent = listen("127.0.0.1");
        OutboundHttp impatient = open(LOCAL_ONLY, Duration.ofSeconds(1));
        long start = System.nanoTime();

        OutboundException timeout = thrown(() -> get(impatient, URI.create("http://127.0.0.1:" + silent.port + "/"),
                0, MIB, new ByteArrayOutputStream()));

        assertThat(timeout.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(timeout.getMessage()).contains("sent nothing for 1 s");
        assertThat(elapsedSince(start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aPostNeverFollowsARedirect() throws Exception {
        AtomicInteger targetHits = new AtomicInteger();
        serve("/moved", exchange -> redirect(exchange, "/target"));
        serve("/target", exchange -> {
            targetHits.incrementAndGet();
            answer(exchange, 200, null, new byte[0]);
        });

        int status = post(http, url("/moved"), Duration.ofSeconds(5));

        assertThat(status).isEqualTo(302);
        assertThat(targetHits).hasValue(0);
    }

    @Test
    void aPostReturnsPromptlyThoughTheAnswersBodyNeverEnds() throws Exception {
        serve("/chatty", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(202, 0);
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = exchange.getResponseBody()) {
                while (true) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // The client hung up, as it should.
            }
        });
        long start = System.nanoTime();

        int status = post(http, url("/chatty"), Duration.ofSeconds(5));

        assertThat(status).isEqualTo(202);
        assertThat(elapsedSince(start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aDeadlineAlreadyPastIsATimeoutWithoutConnecting() throws Exception {
        Listener listener = listen("127.0.0.1");

        OutboundException timeout = thrown(() -> http.get(URI.create("http://127.0.0.1:" + listener.port + "/"), 0, MIB,
                Instant.now().minusSeconds(1), new ByteArrayOutputStream()));

        assertThat(timeout.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(listener.connectionsAfterAMoment()).isZero();
    }

    @Test
    void aClosedPortFailsAsARefusedConnection() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = closed.getLocalPort();
        }

        OutboundException failed = thrown(() -> get(http, URI.create("http://127.0.0.1:" + port + "/"), 0, MIB,
                new ByteArrayOutputStream()));

        assertThat(failed.kind()).isEqualTo(Kind.FAILED);
        assertThat(failed.getMessage()).contains("refused");
    }

    // --- helpers ---

    private OutboundHttp open(OutboundGuard guard, Duration readTimeout) {
        OutboundHttp client = new OutboundHttp(guard, Duration.ofSeconds(2), readTimeout);
        closeAtEnd.add(client);
        return client;
    }

    private static OutboundHttp.Fetched get(OutboundHttp client, URI url, int maxRedirects, long maxBytes,
                                            OutputStream sink) throws OutboundException {
        return client.get(url, maxRedirects, maxBytes, Instant.now().plusSeconds(10), sink);
    }

    private static int post(OutboundHttp client, URI url, Duration deadline) throws OutboundException {
        return client.post(url, Map.of(), "application/json", "{}".getBytes(StandardCharsets.UTF_8), deadline);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private interface Exchange {
        void handle(HttpExchange exchange) throws IOException, InterruptedException;
    }

    private void serve(String path, Exchange handler) {
        HttpHandler wrapped = exchange -> {
            try {
                handler.handle(exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        };
        server.createContext(path, wrapped);
    }

    /** /chain/N redirects to N-1 through a relative Location, down to /chain/0, which answers. */
    private void serveRedirectChain() {
        serve("/chain/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            int left = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
            if (left == 0) {
                answer(exchange, 200, "text/plain", "arrived".getBytes(StandardCharsets.UTF_8));
            } else {
                redirect(exchange, String.valueOf(left - 1));
            }
        });
    }

    private static void answer(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        answer(exchange, 302, null, new byte[0]);
    }

    private void awaitTestOver() throws InterruptedException {
        testOver.await(10, TimeUnit.SECONDS);
    }

    private static Duration elapsedSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static OutboundException thrown(Call call) {
        try {
            call.run();
        } catch (OutboundException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("Expected an OutboundException, got " + e, e);
        }
        throw new AssertionError("Expected an OutboundException, but the call succeeded");
    }

    private interface Call {
        void run() throws Exception;
    }

    private Listener listen(String... addresses) throws IOException {
        Listener listener = new Listener(addresses);
        closeAtEnd.add(listener);
        return listener;
    }

    /**
     * A raw TCP listener that counts the connections it accepts and keeps them open without a word, on one port of
     * each given address (an address the machine lacks, such as ::1 without IPv6, is skipped).
     */
    private static final class Listener implements AutoCloseable {
        final int port;
        private final List<ServerSocket> sockets = new ArrayList<>();
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();

        Listener(String... addresses) throws IOException {
            sockets.add(bind(addresses[0], 0));
            port = sockets.get(0).getLocalPort();
            for (int i = 1; i < addresses.length; i++) {
                try {
                    sockets.add(bind(addresses[i], port));
                } catch (IOException e) {
                    // Not on this machine: the refusal is still asserted.
                }
            }
            for (ServerSocket socket : sockets) {
                Thread thread = new Thread(() -> acceptAll(socket), "test-listener");
                thread.setDaemon(true);
                thread.start();
            }
        }

        private static ServerSocket bind(String address, int port) throws IOException {
            return new ServerSocket(port, 50, InetAddress.getByName(address));
        }

        private void acceptAll(ServerSocket socket) {
            try {
                while (true) {
                    accepted.add(socket.accept());
                }
            } catch (IOException e) {
                // Closed at the end of the test.
            }
        }

        /** Waits a little, so that a connection made just before is counted. */
        int connectionsAfterAMoment() throws InterruptedException {
            Thread.sleep(200);
            return accepted.size();
        }

        @Override
        public void close() throws IOException {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }
}
