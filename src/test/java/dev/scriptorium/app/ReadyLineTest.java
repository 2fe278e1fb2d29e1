package dev.scriptorium.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReadyLineTest {
    @Test
    void serveListsThePageTheManagementPortAndBothDashboards() {
        assertThat(ReadyLine.of(Role.SERVE, 5123, "0.0.0.0", Optional.of(8080), Optional.of(8081), Optional.of(8000)))
                .isEqualTo("Scriptorium serve ready in 5123 ms: http://localhost:8080 (page and API), management 8081"
                        + " (/healthz /readyz /metrics), dashboards 8000 and 8001");
    }

    @Test
    void aWorkerListsItsManagementPortOnly() {
        assertThat(ReadyLine.of(Role.WORKER, 900, "0.0.0.0", Optional.empty(), Optional.of(8082), Optional.empty()))
                .isEqualTo("Scriptorium worker ready in 900 ms: management 8082 (/healthz /readyz /metrics)");
    }

    @Test
    void aSpecificHostIsShownAsItIs() {
        assertThat(ReadyLine.of(Role.WEB, 1, "127.0.0.1", Optional.of(9000), Optional.of(9001), Optional.empty()))
                .startsWith("Scriptorium web ready in 1 ms: http://127.0.0.1:9000 (page and API), management 9001");
    }
}
