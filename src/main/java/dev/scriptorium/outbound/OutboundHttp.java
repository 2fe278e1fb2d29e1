package dev.scriptorium.outbound;

import dev.scriptorium.outbound.OutboundException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.impl.EnglishReasonPhraseCatalog;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends the requests the service makes on a user's behalf: webhook POSTs to their URL and GETs of media from their
 * URL. Every connection goes to an address {@link OutboundGuard} checked (see {@link GuardedDnsResolver}), redirects
 * are never followed by the client itself (GET follows them here, checking each), no system proxy is used, and every
 * call ends by its deadline, however slowly the other side answers.
 *
 * <p>Thread-safe: one instance serves all callers and pools their connections; {@link #close()} it once, at shutdown.
 * Errors come out as {@link OutboundException}s whose message can be shown to the user as it is.
 */
public final class OutboundHttp implements AutoCloseable {
    /** A webhook's answer is not read for its content; this much is read so that its connection can be reused. */
    private static final int ANSWER_DISCARD_LIMIT = 64 * 1024;
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    /** Framing and routing headers: given by a caller, they would clash with the client's or misdirect the request. */
    private static final Set<String> CLIENT_HEADERS =
            Set.of("host", "content-length", "transfer-encoding", "connection", "content-type");
    /** Beyond this a deadline means "none"; it keeps the delay arithmetic from overflowing. */
    private static final Duration LONGEST_DEADLINE = Duration.ofDays(365);

    private final CloseableHttpClient client;
    private final ScheduledThreadPoolExecutor alarms;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    /**
     * @param connectTimeout how long a TCP (and TLS) connection may take to open
     * @param readTimeout    how long the other side may stay silent, while answering or sending a body
     */
    public OutboundHttp(OutboundGuard guard, Duration connectTimeout, Duration readTimeout) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.alarms = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "outbound-http-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        // Most calls end long before their deadline; their cancelled alarms must not pile up in the queue.
        alarms.setRemoveOnCancelPolicy(true);
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new GuardedDnsResolver(guard))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(connectTimeout))
                                .setSocketTimeout(Timeout.of(readTimeout))
                                .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                                .setTimeToLive(TimeValue.ofMinutes(5))
                                .build())
                        .setMaxConnTotal(64)
                        .setMaxConnPerRoute(8)
                        .build())
                // Stated, not left to the default: a proxy would resolve the name itself, past the guard.
                .setRoutePlanner(new DefaultRoutePlanner(DefaultSchemePortResolver.INSTANCE))
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setRedirectsEnabled(false)
                        .setResponseTimeout(Timeout.of(readTimeout))
                        .build())
                .disableRedirectHandling()
                // A retried webhook would be a second delivery the caller does not know of.
                .disableAutomaticRetries()
                // Requests of different users share the client: nothing one server sets may reach another request.
                .disableCookieManagement()
                .disableAuthCaching()
                // The size limit counts the bytes as sent, and media is not worth compressing.
                .disableContentCompression()
                .evictIdleConnections(TimeValue.ofMinutes(1))
                .setUserAgent("Scriptorium")
                .build();
    }

    /**
     * POSTs once and never follows a redirect. The whole exchange (connecting, sending, the answer's status and
     * headers) must end within {@code deadline}, past which it is aborted; up to 64 KiB of the answer's body are then
     * read and discarded, within the same deadline (cut short, the status is still returned).
     *
     * @param headers     sent as given; Host, Content-Length, Transfer-Encoding, Connection and Content-Type may not be
     *                    among them (the client sets them), User-Agent defaults to "Scriptorium"
     * @param contentType sent as given, as the Content-Type header
     * @return the answer's HTTP status, whatever it is (a 3xx or a 5xx is returned, not thrown)
     * @throws OutboundException REFUSED, FAILED (no answer) or TIMEOUT
     */
    public int post(URI url, Map<String, String> headers, String contentType, byte[] body, Duration deadline)
            throws OutboundException {
        requireHttp(url);
        HttpPost request = new HttpPost(url);
        headers.forEach((name, value) -> request.setHeader(headerName(name), headerValue(value)));
        request.setHeader("Content-Type", headerValue(contentType));
        // No ContentType on the entity: the header goes out exactly as the caller wrote it.
        request.setEntity(new ByteArrayEntity(body, null));
        try (Deadline watch = new Deadline(deadline, url, "did not answer")) {
            ClassicHttpResponse response = watch.send(request, url);
            int status = response.getCode();
            finish(request, response, discardAnswer(response));
            return status;
        }
    }

    /**
     * GETs the URL and streams its 2xx body into {@code sink}, following at most {@code maxRedirects} redirects (301,
     * 302, 303, 307, 308; each target, relative or not, checked as the first URL was). Stops as soon as more than
     * {@code maxBytes} have arrived, or when Content-Length announces more, leaving what was written in the sink.
     *
     * @param deadline when the whole transfer, redirects included, is aborted
     * @throws OutboundException     REFUSED, FAILED (also for a non-2xx answer and too many redirects), TOO_LARGE or
     *                               TIMEOUT
     * @throws UncheckedIOException if the sink cannot be written: the service's own failure, not the URL's
     */
    public Fetched get(URI url, int maxRedirects, long maxBytes, Instant deadline, OutputStream sink)
            throws OutboundException {
        if (maxRedirects < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("maxRedirects and maxBytes must not be negative");
        }
        Duration allowed = Duration.between(Instant.now(), deadline);
        try (Deadline watch = new Deadline(allowed, url, "did not finish sending")) {
            URI current = url;
            for (int redirects = 0; ; redirects++) {
                requireHttp(current);
                HttpGet request = new HttpGet(current);
                ClassicHttpResponse response = watch.send(request, current);
                boolean complete = false;
                try {
                    int status = response.getCode();
                    if (REDIRECTS.contains(status)) {
                        URI next = redirectTarget(current, status, response);
                        if (redirects == maxRedirects) {
                            throw new OutboundException(Kind.FAILED, "Too many redirects: " + display(url)
                                    + " redirected more than " + maxRedirects + " times.");
                        }
                        complete = discardAnswer(response);
                        current = next;
                        continue;
                    }
                    if (status < 200 || status > 299) {
                        throw OutboundException.failedWithStatus(status, display(current) + " answered " + status
                                + " " + reason(status) + ".");
                    }
                    long bytes = watch.stream(response, current, maxBytes, sink);
                    complete = true;
                    return new Fetched(bytes, current, contentType(response));
                } finally {
                    finish(request, response, complete);
                }
            }
        }
    }

    /** What {@link #get} fetched: the byte count written to the sink, the URL after redirects, its Content-Type. */
    public record Fetched(long bytes, URI finalUrl, Optional<String> contentType) {
    }

    /** Closes the pooled connections and stops the deadline thread; calls made afterwards fail. */
    @Override
    public void close() {
        alarms.shutdownNow();
        client.close(CloseMode.GRACEFUL);
    }

    /**
     * The deadline of one call: when it passes, the request in flight is cancelled, which closes its connection and
     * so ends whatever read or connect it is blocked in.
     */
    private final class Deadline implements AutoCloseable {
        private final URI url;
        private final String lateVerb;
        private final Duration allowed;
        private final long endNanos;
        private final AtomicReference<HttpUriRequestBase> inFlight = new AtomicReference<>();
        private final ScheduledFuture<?> alarm;
        private volatile boolean passed;

        Deadline(Duration allowed, URI url, String lateVerb) {
            this.url = url;
            this.lateVerb = lateVerb;
            this.allowed = allowed.isNegative() ? Duration.ZERO : min(allowed, LONGEST_DEADLINE);
            this.endNanos = System.nanoTime() + this.allowed.toNanos();
            this.alarm = alarms.schedule(this::expire, this.allowed.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void expire() {
            passed = true;
            HttpUriRequestBase request = inFlight.get();
            if (request != null) {
                request.cancel();
            }
        }

        ClassicHttpResponse send(HttpUriRequestBase request, URI at) throws OutboundException {
            // Set before reading the flag, as expire() sets the flag before reading this: one of them sees the other.
            inFlight.set(request);
            // The clock too, not only the alarm: a request must not start because the alarm thread is a little late.
            if (passed || System.nanoTime() - endNanos >= 0) {
                throw late(null);
            }
            try {
                return client.executeOpen(null, request, null);
            } catch (IOException e) {
                throw explain(e, at);
            } catch (RuntimeException e) {
                throw unlessLate(e);
            }
        }

        long stream(ClassicHttpResponse response, URI at, long maxBytes, OutputStream sink) throws OutboundException {
            HttpEntity entity = response.getEntity();
            if (entity == null) {
                return 0;
            }
            if (entity.getContentLength() > maxBytes) {
                throw new OutboundException(Kind.TOO_LARGE, display(at) + " announced "
                        + size(entity.getContentLength()) + ", more than the " + size(maxBytes) + " size limit.");
            }
            try {
                return copy(entity.getContent(), at, maxBytes, sink);
            } catch (IOException e) {
                throw explain(e, at);
            } catch (RuntimeException e) {
                throw unlessLate(e);
            }
        }

        /**
         * A cancel that lands while HttpClient leases or opens the connection can surface as an
         * IllegalStateException or a NullPointerException from its internals; past the deadline that is a timeout.
         */
        private OutboundException unlessLate(RuntimeException e) {
            if (passed) {
                return late(e);
            }
            throw e;
        }

        private OutboundException explain(IOException e, URI at) {
            if (passed) {
                return late(e);
            }
            return OutboundHttp.this.explain(e, at);
        }

        private OutboundException late(Throwable cause) {
            return new OutboundException(Kind.TIMEOUT,
                    display(url) + " " + lateVerb + " within " + duration(allowed) + ".", cause);
        }

        @Override
        public void close() {
            alarm.cancel(false);
        }
    }

    private long copy(InputStream in, URI at, long maxBytes, OutputStream sink) throws IOException, OutboundException {
        byte[] buffer = new byte[BUFFER_SIZE];
        long total = 0;
        for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
            if (total + n > maxBytes) {
                throw new OutboundException(Kind.TOO_LARGE, "The download stopped at " + size(maxBytes)
                        + ", the size limit.");
            }
            try {
                sink.write(buffer, 0, n);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not store what " + display(at) + " sent", e);
            }
            total += n;
        }
        return total;
    }

    /**
     * Reads what is left of an answer up to a limit, so that a short answer leaves its connection reusable.
     *
     * @return whether the answer ended; failures do not matter here, the status is already known
     */
    private static boolean discardAnswer(ClassicHttpResponse response) {
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            return true;
        }
        try {
            InputStream in = entity.getContent();
            byte[] buffer = new byte[BUFFER_SIZE];
            // One byte past the limit tells an answer that ends there from one that goes on.
            for (int left = ANSWER_DISCARD_LIMIT + 1; left > 0; ) {
                int n = in.read(buffer, 0, Math.min(buffer.length, left));
                if (n == -1) {
                    return true;
                }
                left -= n;
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Ends an exchange. One that did not end cleanly is cancelled first: closing it as it is would read the rest of
     * an answer that may never end.
     */
    private static void finish(HttpUriRequestBase request, ClassicHttpResponse response, boolean complete) {
        if (!complete) {
            request.cancel();
        }
        try {
            response.close();
        } catch (IOException e) {
            // The connection is gone either way; nothing is lost.
        }
    }

    private OutboundException explain(IOException e, URI at) {
        GuardedDnsResolver.Refusal refusal = refusalIn(e);
        if (refusal != null) {
            return new OutboundException(Kind.REFUSED, refusal.getMessage());
        }
        // ConnectTimeoutException is a SocketTimeoutException, so it must be asked first.
        if (e instanceof ConnectTimeoutException) {
            return new OutboundException(Kind.TIMEOUT, "Could not connect to " + display(at) + " within "
                    + duration(connectTimeout) + ".", e);
        }
        if (e instanceof SocketTimeoutException) {
            return new OutboundException(Kind.TIMEOUT, display(at) + " sent nothing for " + duration(readTimeout)
                    + ".", e);
        }
        return new OutboundException(Kind.FAILED, failure(e, at), e);
    }

    private static String failure(IOException e, URI at) {
        if (e instanceof ConnectException) {
            return "Could not connect to " + display(at) + ": the connection was refused.";
        }
        if (e instanceof NoRouteToHostException) {
            return "Could not connect to " + display(at) + ": the host is unreachable.";
        }
        if (e instanceof SSLException) {
            return "The secure (TLS) connection to " + display(at) + " failed: " + describe(e);
        }
        if (e instanceof NoHttpResponseException) {
            return display(at) + " closed the connection without answering.";
        }
        if (e instanceof ConnectionClosedException) {
            return display(at) + " closed the connection before its answer was complete.";
        }
        return "The request to " + display(at) + " failed: " + describe(e);
    }

    private static GuardedDnsResolver.Refusal refusalIn(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof GuardedDnsResolver.Refusal refusal) {
                return refusal;
            }
        }
        return null;
    }

    /** The scheme check runs before the client is asked, so that it never sees, say, a file: URL. */
    private static void requireHttp(URI url) throws OutboundException {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new OutboundException(Kind.REFUSED, "Only http and https URLs are allowed, not '" + scheme + "'.");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new OutboundException(Kind.REFUSED, "The URL has no valid host name.");
        }
        if (url.getRawUserInfo() != null) {
            throw new OutboundException(Kind.REFUSED, "URLs with a user name or password are not supported.");
        }
    }

    private static URI redirectTarget(URI current, int status, ClassicHttpResponse response) throws OutboundException {
        Header location = response.getFirstHeader("Location");
        if (location == null || location.getValue().isBlank()) {
            throw OutboundException.failedWithStatus(status, display(current) + " answered " + status
                    + " (a redirect) without saying where to.");
        }
        try {
            // URI.resolve joins a relative reference onto an empty path without a slash ("http://hostpage").
            URI base = current.getRawPath() == null || current.getRawPath().isEmpty() ? current.resolve("/") : current;
            return base.resolve(new URI(location.getValue().strip()));
        } catch (URISyntaxException e) {
            throw OutboundException.failedWithStatus(status, display(current) + " redirected to an invalid URL.");
        }
    }

    private static Optional<String> contentType(ClassicHttpResponse response) {
        return Optional.ofNullable(response.getFirstHeader("Content-Type")).map(Header::getValue);
    }

    private static String headerName(String name) {
        if (name == null || name.isEmpty() || !name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
            throw new IllegalArgumentException("'" + name + "' is not an HTTP header name");
        }
        if (CLIENT_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("The client sets the " + name + " header itself");
        }
        return name;
    }

    /** A line break in a value would end the header early and let the rest pass as headers of its own. */
    private static String headerValue(String value) {
        if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("An HTTP header value must be one line");
        }
        return value;
    }

    /** The URL as messages show it: no user name, password or query, which may hold secrets such as tokens. */
    static String display(URI url) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String port = url.getPort() < 0 ? "" : ":" + url.getPort();
        return url.getScheme() + "://" + url.getHost() + port + path;
    }

    private static String reason(int status) {
        String reason = EnglishReasonPhraseCatalog.INSTANCE.getReason(status, Locale.ENGLISH);
        return reason == null ? "" : reason;
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Rounded, as a deadline measured from an Instant is a millisecond or two short of what the caller meant. */
    static String duration(Duration duration) {
        long tenths = Math.round(duration.toMillis() / 100.0);
        if (tenths < 10) {
            return duration.toMillis() + " ms";
        }
        if (tenths >= 100 || tenths % 10 == 0) {
            return Math.round(tenths / 10.0) + " s";
        }
        return tenths / 10 + "." + tenths % 10 + " s";
    }

    static String size(long bytes) {
        String[] units = {"bytes", "KB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = value == Math.rint(value)
                ? String.valueOf((long) value)
                : String.format(Locale.ROOT, "%.1f", value);
        return number + " " + units[unit];
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
