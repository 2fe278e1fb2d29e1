package dev.scriptorium.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar's {@code serve} with one of its ports taken: it stops at once with one line that names the port
 * and the variable that moves it, exit status 2 like any configuration error, and leaves nothing running.
 */
class ServePortsIT {
    private static final Duration LIMIT = Duration.ofSeconds(120);
    @TempDir
    Path home;

    @Test
    void aTakenHttpPortStopsServeWithOneLineThatNamesHttpPort() throws Exception {
        assertTakenPortStopsServe("HTTP_PORT", 0, "set HTTP_PORT to a free port (or stop what uses it).");
    }

    @Test
    void aTakenManagementPortStopsServeWithOneLineThatNamesManagementPort() throws Exception {
        assertTakenPortStopsServe("MANAGEMENT_PORT", 0, "set MANAGEMENT_PORT to a free port (or stop what uses it).");
    }

    @Test
    void aTakenDashboardPortStopsServeWithOneLineThatNamesDashboardPort() throws Exception {
        assertTakenPortStopsServe("DASHBOARD_PORT", 0, "set DASHBOARD_PORT to a port whose next one is free too");
    }

    @Test
    void aTakenSecondDashboardPortIsToldThroughDashboardPortToo() throws Exception {
        assertTakenPortStopsServe("DASHBOARD_PORT", 1, "set DASHBOARD_PORT to a port whose next one is free too");
    }

    /** Takes the port {@code variable} (plus {@code offset}) names, then starts serve on it. */
    private void assertTakenPortStopsServe(String variable, int offset, String advice) throws Exception {
        Map<String, String> env = new HashMap<>(ServeProcess.ports());
        int port = Integer.parseInt(env.get(variable)) + offset;
        try (ServerSocket taken = new ServerSocket(port)) {
            JarCommand.Result result = JarCommand.run(home, env, LIMIT, "serve");

            assertThat(result.status()).as(result.output()).isEqualTo(2);
            assertThat(result.output().lines().filter(line -> line.contains("is already in use")).toList())
                    .as(result.output())
                    .singleElement().asString()
                    .startsWith("Port " + port + " is already in use; " + advice)
                    .endsWith("(or stop what uses it).");
            assertThat(result.output()).as(result.output()).doesNotContain("ERROR");
            assertThat(result.stackTraceLines()).as(result.output()).isEmpty();
            assertThat(JarCommand.processesUnder(home)).isEmpty();
        }
    }
}
