package dev.scriptorium.app;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Taken ports, told in one line that names the variable to change. A role's ports are tried before anything starts,
 * so that a taken port costs neither the start of the embedded servers nor a library's own error log; a port taken
 * in the moment between that try and the real bind is reported the same way.
 */
final class Ports {
    private Ports() {
    }

    /** Throws if two listeners share a port or if one's port is taken now. Port 0 is never taken. */
    static void requireFree(List<Listener> listeners) {
        Map<Integer, Listener> seen = new HashMap<>();
        for (Listener listener : listeners) {
            if (listener.port() == 0) {
                continue;
            }
            Listener other = seen.putIfAbsent(listener.port(), listener);
            if (other != null) {
                throw new ConfigException(sharing(other, listener));
            }
            try (ServerSocket probe = new ServerSocket()) {
                // As Jetty and the JDK's HTTP server bind: a port whose last connection lingers in TIME_WAIT is free.
                probe.setReuseAddress(true);
                probe.bind(address(listener));
            } catch (BindException e) {
                throw new PortInUseException(listener, e);
            } catch (IOException e) {
                // Not a taken port (an unknown host, say): the server's own start reports it.
            }
        }
    }

    /** Runs {@code start}, which binds {@code listener}'s port; a bind failure becomes a {@link PortInUseException}. */
    static <T> T bind(Listener listener, Callable<T> start) throws Exception {
        try {
            return start.call();
        } catch (Exception e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof BindException) {
                    throw new PortInUseException(listener, e);
                }
            }
            throw e;
        }
    }

    private static String sharing(Listener first, Listener second) {
        boolean dashboards = first.variable().equals("DASHBOARD_PORT") || second.variable().equals("DASHBOARD_PORT");
        return first.variable() + " and " + second.variable() + " both ask for port " + second.port()
                + (dashboards ? " (the dashboards take DASHBOARD_PORT and the port after it)" : "")
                + "; give each a port of its own";
    }

    private static InetSocketAddress address(Listener listener) throws UnknownHostException {
        return listener.host() == null ? new InetSocketAddress(listener.port())
                : new InetSocketAddress(InetAddress.getByName(listener.host()), listener.port());
    }
}
