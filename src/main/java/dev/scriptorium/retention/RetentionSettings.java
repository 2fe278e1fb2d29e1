package dev.scriptorium.retention;

import java.time.Duration;

/**
 * How long things are kept after a job ends, and how cleanup runs.
 *
 * @param media          original media of an ended job (the transcript stays)
 * @param completedJob   a completed job, with its transcript
 * @param failedJob      a failed or canceled job
 * @param orphanGrace    how old an object with no job, or a leftover local file, must be before it goes
 * @param cron           when the scheduler runs cleanup (JobRunr cron, UTC)
 * @param batchSize      jobs or objects handled per database round trip and delete request
 */
public record RetentionSettings(Duration media, Duration completedJob, Duration failedJob, Duration orphanGrace,
                                String cron, int batchSize) {
}
