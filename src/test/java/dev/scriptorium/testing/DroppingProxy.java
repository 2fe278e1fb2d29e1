package dev.scriptorium.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay in front of a server that cuts the connection, both ways and at once, after a number of bytes from the
 * client: a network that drops in the middle of an upload. Relays one connection at a time, which is all an upload
 * client opens.
 */
public final class DroppingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final long dropAfter;
    private final AtomicLong forwarded = new AtomicLong();
    private final Thread acceptor;

    public DroppingProxy(int targetPort, long dropAfter) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.dropAfter = dropAfter;
        this.acceptor = new Thread(this::accept, "dropping-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Bytes from the client that reached the server. */
    public long forwarded() {
        return forwarded.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try (Socket client = listener.accept();
                 Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
                Thread back = new Thread(() -> copy(server, client, Long.MAX_VALUE, new AtomicLong()));
                back.setDaemon(true);
                back.start();
                copy(client, server, dropAfter, forwarded);
            } catch (IOException e) {
                // The listener closed, or the connection ended: either way, on to the next.
            }
        }
    }

    /** Copies until the source ends or {@code limit} bytes have passed; then both connections are cut. */
    private static void copy(Socket from, Socket to, long limit, AtomicLong count) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (count.get() < limit) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, limit - count.get()));
                if (read < 0) {
                    break;
                }
                out.write(buffer, 0, read);
                out.flush();
                count.addAndGet(read);
            }
        } catch (IOException e) {
            // The other side is gone.
        } finally {
            try {
                from.setSoLinger(true, 0);
                from.close();
                to.setSoLinger(true, 0);
                to.close();
            } catch (IOException e) {
                // Already closed.
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
