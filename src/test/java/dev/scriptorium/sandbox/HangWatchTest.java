package dev.scriptorium.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HangWatchTest {
    private static final long SECOND = 1_000_000_000L;
    private final HangWatch watch = new HangWatch(Duration.ofSeconds(10));

    @Test
    void aChildThatUsesNoCpuForTheWholeWindowIsHung() {
        for (int second = 0; second < 10; second++) {
            assertThat(watch.hung(second * SECOND, 5.0)).as("after %d s", second).isFalse();
        }
        assertThat(watch.hung(10 * SECOND, 5.0)).isTrue();
    }

    @Test
    void aSlowChildThatStillUsesSomeCpuIsNotHung() {
        // 5 % of one core: what a transcription gets when a noisy neighbour takes nearly everything.
        for (int second = 0; second <= 60; second++) {
            assertThat(watch.hung(second * SECOND, 0.05 * second)).as("after %d s", second).isFalse();
        }
    }

    @Test
    void anIdleJvmsBackgroundCpuStillCountsAsHung() {
        boolean hung = false;
        for (int second = 0; second <= 10; second++) {
            hung = watch.hung(second * SECOND, 0.001 * second);
        }
        assertThat(hung).isTrue();
    }

    @Test
    void onlyTheLastWindowCounts() {
        // Busy for a minute, then stopped: hung once ten quiet seconds have passed, not before.
        for (int second = 0; second <= 60; second++) {
            watch.hung(second * SECOND, second);
        }
        for (int second = 61; second < 70; second++) {
            assertThat(watch.hung(second * SECOND, 60)).as("after %d s", second).isFalse();
        }
        assertThat(watch.hung(70 * SECOND, 60)).isTrue();
    }

    @Test
    void theChildsCpuIsReadAQuarterHangWindowApartButNotMoreThanOnceASecondNorLessThanEveryFiveSeconds() {
        assertThat(Sandbox.cpuCheckInterval(Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(1));
        assertThat(Sandbox.cpuCheckInterval(Duration.ofSeconds(12))).isEqualTo(Duration.ofSeconds(3));
        assertThat(Sandbox.cpuCheckInterval(Duration.ofSeconds(120))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void progressStartsTheWindowAgainSoASlowButMovingChildIsNotHung() {
        HangWatch watch = new HangWatch(Duration.ofSeconds(2));
        long second = 1_000_000_000L;
        assertThat(watch.hung(0, 1.0)).isFalse();
        watch.progressed();
        assertThat(watch.hung(2 * second, 1.0)).isFalse();
        assertThat(watch.hung(4 * second, 1.0)).isTrue();
    }
}
