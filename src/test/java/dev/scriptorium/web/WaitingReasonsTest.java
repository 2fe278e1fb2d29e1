package dev.scriptorium.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.whisper.ModelStatus;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WaitingReasonsTest {
    private static TranscriptionJob queued() {
        return TranscriptionJob.queued(UUID.randomUUID(), "talk.mp4",
                new JobOptions(Optional.empty(), JobOptions.Task.TRANSCRIBE), 10, Instant.now());
    }

    private static TranscriptionJob stored() {
        TranscriptionJob job = queued();
        job.startStage(dev.scriptorium.transcription.JobStage.INGESTING, Instant.now());
        job.stored("media/" + job.id(), 10, Instant.now());
        return job;
    }

    @Test
    void anUploadWaitingForIngestWithNoSchedulerRunningSaysSo() {
        WaitingReasons reasons = new WaitingReasons(() -> 0, () -> 2, Optional::empty);
        assertThat(reasons.of(queued())).hasValueSatisfying(reason -> assertThat(reason).contains("No scheduler"));
    }

    @Test
    void aStoredJobWithNoTranscriptionWorkerRunningSaysSo() {
        WaitingReasons reasons = new WaitingReasons(() -> 2, () -> 0, Optional::empty);
        assertThat(reasons.of(stored())).hasValueSatisfying(reason ->
                assertThat(reason).contains("No transcription worker"));
    }

    @Test
    void aLocalWorkerWithoutAModelGivesTheModelsMessage() {
        ModelStatus missing = new ModelStatus(false, "ggml-base.en.bin", "No Whisper model is loaded: run "
                + "models/download.sh base.en");
        WaitingReasons reasons = new WaitingReasons(() -> 2, () -> 0, () -> Optional.of(missing));
        assertThat(reasons.of(stored())).contains(missing.message());
    }

    @Test
    void aJobThatOnlyWaitsItsTurnHasNoReason() {
        WaitingReasons reasons = new WaitingReasons(() -> 2, () -> 1, Optional::empty);
        assertThat(reasons.of(queued())).isEmpty();
        assertThat(reasons.of(stored())).isEmpty();
    }

    @Test
    void aJobThatIsNotQueuedHasNoReason() {
        TranscriptionJob job = stored();
        job.cancel(Instant.now());
        assertThat(new WaitingReasons(() -> 0, () -> 0, Optional::empty).of(job)).isEmpty();
    }
}
