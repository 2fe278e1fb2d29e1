package dev.scriptorium.transcription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobTransitionsTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private static TranscriptionJob queuedJob() {
        return TranscriptionJob.queued(UUID.randomUUID(), "talk.mp4",
                new JobOptions(Optional.empty(), JobOptions.Task.TRANSCRIBE), 10, NOW);
    }

    @Test
    void aQueuedJobCanStartProcessingButNotComplete() {
        assertThat(JobTransitions.allowed(JobStatus.QUEUED, JobStatus.PROCESSING)).isTrue();
        assertThat(JobTransitions.allowed(JobStatus.QUEUED, JobStatus.COMPLETED)).isFalse();
    }

    @Test
    void finishedJobsNeverMoveAgainExceptAFailedOrCanceledJobBeingRetried() {
        for (JobStatus to : JobStatus.values()) {
            assertThat(JobTransitions.allowed(JobStatus.COMPLETED, to)).isFalse();
            assertThat(JobTransitions.allowed(JobStatus.CANCELED, to)).isEqualTo(to == JobStatus.QUEUED);
            assertThat(JobTransitions.allowed(JobStatus.FAILED, to)).isEqualTo(to == JobStatus.QUEUED);
        }
    }

    @Test
    void completingAQueuedJobThrowsAndLeavesItQueued() {
        TranscriptionJob job = queuedJob();
        assertThatThrownBy(() -> job.complete(NOW))
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessage("A job cannot move from queued to completed");
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void aStageIsSetOnlyWhileProcessing() {
        TranscriptionJob job = queuedJob();
        job.startStage(JobStage.INGESTING, NOW);
        assertThat(job.stage()).contains(JobStage.INGESTING);
        job.stored("media/x", 10, NOW);
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.stage()).isEmpty();
    }

    @Test
    void failingRecordsTheCodeAndReasonAndEndsTheJob() {
        TranscriptionJob job = queuedJob();
        job.beginAttempt(NOW);
        job.fail(FailureCode.NO_AUDIO, "No audio track", NOW);
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failureCode()).contains("no_audio");
        assertThat(job.failureReason()).contains("No audio track");
        assertThat(job.completedAt()).contains(NOW);
        assertThat(job.attempts()).isEqualTo(1);
    }

    @Test
    void aCompletedJobCannotFailAfterwards() {
        TranscriptionJob job = queuedJob();
        job.beginAttempt(NOW);
        job.complete(NOW);
        assertThatThrownBy(() -> job.fail(FailureCode.INTERNAL_ERROR, "late", NOW))
                .isInstanceOf(IllegalTransitionException.class);
    }

    @Test
    void aJobCanceledWhileItsUploadWasStoredIsNotHandedOverToTranscription() {
        TranscriptionJob job = queuedJob();
        job.startStage(JobStage.INGESTING, NOW);
        job.cancel(NOW);
        assertThatThrownBy(() -> job.stored("media/x", 10, NOW)).isInstanceOf(IllegalTransitionException.class);
        assertThat(job.status()).isEqualTo(JobStatus.CANCELED);
    }

    @Test
    void onlyAFailedOrCanceledJobCanBeRetriedAndARetryStartsAfresh() {
        TranscriptionJob completed = queuedJob();
        completed.beginAttempt(NOW);
        completed.complete(NOW);
        assertThatThrownBy(() -> completed.retry(NOW)).isInstanceOf(IllegalTransitionException.class);

        TranscriptionJob failed = queuedJob();
        failed.beginAttempt(NOW);
        failed.fail(FailureCode.TIMEOUT, "too slow", NOW);
        failed.retry(NOW);
        assertThat(failed.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(failed.attempts()).isZero();
        assertThat(failed.failureCode()).isEmpty();
        assertThat(failed.completedAt()).isEmpty();
    }
}
