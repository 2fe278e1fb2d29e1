package dev.scriptorium.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LivenessTest {

    @Test
    void aZombieThatNobodyHasReapedYetIsNotRunning() throws Exception {
        // The background sleep's parent execs into a sleep that never reaps it, as an init that reaps late would.
        Process parent = new ProcessBuilder("sh", "-c", "sleep 0.2 & echo $!; exec sleep 30").start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(),
                StandardCharsets.UTF_8))) {
            ProcessHandle orphan = ProcessHandle.of(Long.parseLong(out.readLine().trim())).orElseThrow();
            await().atMost(Duration.ofSeconds(5)).until(() -> Liveness.exited(Liveness.stateOf(orphan.pid())));

            assertThat(orphan.isAlive()).as("the JDK's view").isTrue();
            assertThat(Liveness.running(orphan)).isFalse();
            assertThat(Liveness.awaitExit(orphan, Duration.ofMillis(100))).isTrue();
        } finally {
            parent.destroyForcibly().waitFor();
        }
    }

    @Test
    void aRunningProcessIsRunning() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(Liveness.running(sleeper.toHandle())).isTrue();
            assertThat(Liveness.awaitExit(sleeper.toHandle(), Duration.ofMillis(100))).isFalse();
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
        assertThat(Liveness.running(sleeper.toHandle())).isFalse();
    }

    @Test
    void theStateIsReadAfterACommandNameWithSpacesAndParentheses() {
        assertThat(Liveness.state("42 (post (gres) x) Z 1 42 42 0 -1")).isEqualTo("Z");
        assertThat(Liveness.state("42 (redis-server) S 1 42")).isEqualTo("S");
        assertThat(Liveness.state("")).isEmpty();
    }
}
