package dev.scriptorium.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortsTest {
    @Test
    void aTakenPortIsToldInOneLineNamingThePortAndTheVariable() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> Ports.requireFree(List.of(Listener.of("HTTP_PORT", "0.0.0.0", port))))
                    .isInstanceOf(PortInUseException.class)
                    .hasMessage("Port " + port + " is already in use; set HTTP_PORT to a free port"
                            + " (or stop what uses it).");
        }
    }

    @Test
    void aTakenSecondDashboardPortNamesDashboardPortAndBothPorts() throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            int second = taken.getLocalPort();
            int first = second - 1;
            assertThatThrownBy(() -> Ports.requireFree(List.of(Listener.dashboard(first, second))))
                    .isInstanceOf(PortInUseException.class)
                    .hasMessageStartingWith("Port " + second + " is already in use; set DASHBOARD_PORT")
                    .hasMessageContaining("take " + first + " and " + second)
                    .hasMessageContaining("0 to turn them off");
        }
    }

    @Test
    void freePortsAndPortZeroPass() throws IOException {
        int free;
        try (ServerSocket probe = new ServerSocket(0)) {
            free = probe.getLocalPort();
        }
        Ports.requireFree(List.of(Listener.of("HTTP_PORT", "127.0.0.1", free),
                Listener.of("MANAGEMENT_PORT", "127.0.0.1", 0)));
    }

    @Test
    void twoVariablesOnOnePortAreAConfigurationError() {
        assertThatThrownBy(() -> Ports.requireFree(List.of(Listener.of("HTTP_PORT", "127.0.0.1", 0),
                Listener.of("HTTP_PORT", "127.0.0.1", 47001), Listener.of("MANAGEMENT_PORT", "127.0.0.1", 47001))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("HTTP_PORT and MANAGEMENT_PORT both ask for port 47001; give each a port of its own");
    }

    @Test
    void aBindFailureWhileStartingIsToldLikeATakenPort() throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            Listener management = Listener.of("MANAGEMENT_PORT", null, port);
            assertThatThrownBy(() -> Ports.bind(management, () -> {
                try (ServerSocket second = new ServerSocket(port)) {
                    return second;
                } catch (IOException e) {
                    throw new IllegalStateException("the server could not start", e);
                }
            })).isInstanceOf(PortInUseException.class)
                    .hasMessage("Port " + port + " is already in use; set MANAGEMENT_PORT to a free port"
                            + " (or stop what uses it).");
        }
    }

    @Test
    void otherStartFailuresPassThroughUnchanged() {
        IllegalStateException failure = new IllegalStateException("no");
        assertThatThrownBy(() -> Ports.bind(Listener.of("HTTP_PORT", null, 1), () -> {
            throw failure;
        })).isSameAs(failure);
    }
}
