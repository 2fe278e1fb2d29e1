package dev.scriptorium.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {

    @Test
    void userAndSystemTicksAreAddedAndTurnedIntoSeconds() {
        String stat = "4242 (java) S 1 4242 4242 0 -1 4194560 12345 0 0 0 250 75 0 0 20 0 30 0 100 0 0";

        assertThat(ProcessCpu.parse(stat)).hasValue(3.25);
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String stat = "7 (a (weird) name) R 1 7 7 0 -1 0 0 0 0 0 100 100 0 0 20 0 1 0 5 0 0";

        assertThat(ProcessCpu.parse(stat)).hasValue(2.0);
    }

    @Test
    void thisJvmHasUsedSomeCpu() {
        assertThat(ProcessCpu.seconds(ProcessHandle.current().pid()).orElseThrow()).isPositive();
    }

    @Test
    void aProcessThatDoesNotExistHasNoReading() {
        assertThat(ProcessCpu.seconds(Integer.MAX_VALUE)).isEmpty();
    }
}
