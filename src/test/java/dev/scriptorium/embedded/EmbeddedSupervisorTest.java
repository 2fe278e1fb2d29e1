package dev.scriptorium.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EmbeddedSupervisorTest {

    /** A server that can be made to exit, and whose first {@code failingStarts} restarts fail. */
    private static final class FakeServer implements SupervisedService {
        final AtomicBoolean alive = new AtomicBoolean(true);
        final AtomicInteger restarts = new AtomicInteger();
        final int failingStarts;

        FakeServer(int failingStarts) {
            this.failingStarts = failingStarts;
        }

        @Override
        public String name() {
            return "Fake";
        }

        @Override
        public boolean alive() {
            return alive.get();
        }

        @Override
        public OptionalLong pid() {
            return alive.get() ? OptionalLong.of(42) : OptionalLong.empty();
        }

        @Override
        public void restart() {
            if (restarts.incrementAndGet() <= failingStarts) {
                throw new IllegalStateException("port still in use");
            }
            alive.set(true);
        }

        @Override
        public void close() {
            alive.set(false);
        }
    }

    @Test
    void aServerThatExitsIsStartedAgainAndReadinessSaysSoMeanwhile() throws Exception {
        FakeServer server = new FakeServer(1);
        try (EmbeddedSupervisor supervisor = new EmbeddedSupervisor(List.of(server))) {
            server.alive.set(false);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.restarts.get() == 1);
            assertThatThrownBy(() -> supervisor.check(server)).hasMessageContaining("embedded Fake exited")
                    .hasMessageContaining("port still in use");

            await().atMost(Duration.ofSeconds(10)).until(server::alive);
            supervisor.check(server);
            assertThat(server.restarts).hasValue(2);
        }
    }

    @Test
    void readinessSeesACrashBeforeTheSupervisorHasLooked() throws Exception {
        FakeServer server = new FakeServer(Integer.MAX_VALUE);
        try (EmbeddedSupervisor supervisor = new EmbeddedSupervisor(List.of(server))) {
            server.alive.set(false);
            assertThatThrownBy(() -> supervisor.check(server)).hasMessageContaining("embedded Fake");
        }
    }

    @Test
    void aRunningServerIsLeftAlone() throws Exception {
        FakeServer server = new FakeServer(0);
        try (EmbeddedSupervisor supervisor = new EmbeddedSupervisor(List.of(server))) {
            Thread.sleep(2500);
            supervisor.check(server);
        }
        assertThat(server.restarts).hasValue(0);
    }

    @Test
    void aClosedSupervisorNoLongerRestartsAnything() throws Exception {
        FakeServer server = new FakeServer(0);
        new EmbeddedSupervisor(List.of(server)).close();
        server.alive.set(false);
        Thread.sleep(2500);
        assertThat(server.restarts).hasValue(0);
    }

    @Test
    void thePauseBetweenTriesDoublesUpToHalfAMinute() {
        assertThat(List.of(1, 2, 3, 4, 5, 6, 20).stream().map(EmbeddedSupervisor::pause).map(Duration::toSeconds))
                .containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L);
    }
}
