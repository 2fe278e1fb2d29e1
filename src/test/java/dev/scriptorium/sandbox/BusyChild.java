package dev.scriptorium.sandbox;

import static org.awaitility.Awaitility.await;

import dev.scriptorium.testing.TestStack;
import dev.scriptorium.transcription.JobStatus;
import dev.scriptorium.transcription.TranscriptionJob;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The sandboxed child that works on a job's given attempt, as the tests that stop or throttle children need it. */
final class BusyChild {
    private BusyChild() {
    }

    /** Waits until attempt {@code attempt} of the job is processing in a child not in {@code seen}; its pid. */
    static long of(TestStack stack, String jobId, int attempt, Set<Long> seen) {
        UUID id = UUID.fromString(jobId);
        return await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
            TranscriptionJob job = stack.application().jobs().find(id).orElseThrow();
            if (job.status() != JobStatus.PROCESSING || job.attempts() != attempt) {
                return null;
            }
            for (Sandbox sandbox : stack.application().worker().orElseThrow().slots().orElseThrow().sandboxes()) {
                Optional<Long> pid = sandbox.childPid();
                if (sandbox.currentJob().equals(Optional.of(id)) && pid.isPresent() && !seen.contains(pid.get())) {
                    return pid.get();
                }
            }
            return null;
        }, pid -> pid != null);
    }
}
