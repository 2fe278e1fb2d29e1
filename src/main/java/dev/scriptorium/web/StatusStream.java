package dev.scriptorium.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scriptorium.access.Caller;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/v1/jobs/{id}/events}, Server-Sent Events: the job's status now, then every change in order, as
 * {@code status} events whose id is the job's version, until the job is finished or the client goes. Any web node
 * serves it: each change arrives as a message over Redis; while Redis is away, a look at the database every second
 * stands in (and may then skip a step).
 *
 * <p>The URL alone asks for the stream, whatever the request accepts: curl sends {@code Accept: *}{@code /*} or
 * nothing, and Javalin's own SSE handler answers only requests that accept {@code text/event-stream}. A bad or
 * unknown id is an ordinary JSON error, answered before any stream starts.
 */
final class StatusStream {
    /** A comment this often keeps proxies from closing a quiet stream, and shows when the client has gone. */
    private static final long HEARTBEAT_SECONDS = 15;
    private final JobStatusReader status;
    private final JobChangeFeed changes;
    private final ObjectMapper json;
    private volatile boolean closed;
    /** The threads serving a stream now: {@link #close} waits for them. */
    private final Set<Thread> serving = ConcurrentHashMap.newKeySet();

    StatusStream(JobStatusReader status, JobChangeFeed changes, ObjectMapper json) {
        this.status = status;
        this.changes = changes;
        this.json = json;
    }

    void open(Context ctx) throws IOException {
        UUID id = JobsApi.parseId(ctx.pathParam("id"));
        Caller caller = Access.caller(ctx);
        if (status.entry(id, caller).isEmpty()) {
            throw ApiError.notFound("No job with id " + id + ".");
        }
        ctx.status(HttpStatus.OK).contentType("text/event-stream").header("Cache-Control", "no-cache")
                .header("Connection", "close").header("X-Accel-Buffering", "no");
        ctx.res().setCharacterEncoding("UTF-8");
        // The headers go now: the client sees the stream open before the first event, and HEAD gets them as GET
        // does (without a Content-Length that a response ending here would get).
        ctx.res().flushBuffer();
        if (ctx.method() == HandlerType.HEAD) {
            return;
        }
        ctx.async(config -> config.timeout = 0, () -> stream(ctx.res(), id, caller));
    }

    private void stream(HttpServletResponse response, UUID id, Caller caller) throws Exception {
        Thread thread = Thread.currentThread();
        serving.add(thread);
        try {
            if (!closed) {
                follow(response, id, caller);
            }
        } finally {
            serving.remove(thread);
        }
    }

    private void follow(HttpServletResponse response, UUID id, Caller caller) throws Exception {
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        // Listening before the first look: no change can fall between the two.
        try (AutoCloseable listening = changes.listen(id, messages::add)) {
            Optional<JobView> first = status.read(id, caller);
            if (first.isEmpty()) {
                write(response, "event: error\ndata: The job was deleted.\n\n");
                return;
            }
            JobView sent = first.get();
            boolean open = send(response, sent);
            long quietSince = System.nanoTime();
            while (open && !sent.finished() && !closed) {
                String message = messages.poll(1, TimeUnit.SECONDS);
                Optional<JobView> next = message != null ? status.parse(message, caller) : status.read(id, caller);
                if (message == null && next.isEmpty()) {
                    write(response, "event: error\ndata: The job was deleted.\n\n");
                    return;
                }
                if (next.isPresent() && next.get().version() > sent.version()) {
                    sent = next.get();
                    open = send(response, sent);
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(HEARTBEAT_SECONDS)) {
                    open = write(response, ": keep-alive\n\n");
                    quietSince = System.nanoTime();
                }
            }
        }
    }

    /**
     * Ends every stream (each looks at the flag at least once a second) and waits for them, so that none reads the
     * database after it is gone. Clients reconnect (EventSource does so by itself), to this node once it is back or to
     * another one.
     */
    void close() {
        closed = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!serving.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean send(HttpServletResponse response, JobView view) throws IOException {
        // The mapper writes one line: no newline can split the data field.
        return write(response, "id: " + view.version() + "\nevent: status\ndata: " + json.writeValueAsString(view)
                + "\n\n");
    }

    /** @return false once the client has gone */
    private static boolean write(HttpServletResponse response, String text) {
        try {
            response.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            response.flushBuffer();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
