package dev.scriptorium.transcription;

import java.nio.file.Path;

/**
 * Limits and pacing of the transcription pipeline.
 *
 * @param workDir            parent of each job's private temp directory
 * @param maxDurationSeconds media longer than this is rejected with {@code too_long}
 * @param pollSeconds        how often job servers look for new work (JobRunr's SQL storage allows 5 s at least)
 * @param maxAttempts        attempts at a job that fails for reasons other than its media before it stays failed
 */
public record PipelineSettings(Path workDir, long maxDurationSeconds, int pollSeconds, int maxAttempts) {
}
