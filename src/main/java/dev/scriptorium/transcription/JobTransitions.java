package dev.scriptorium.transcription;

import static dev.scriptorium.transcription.JobStatus.CANCELED;
import static dev.scriptorium.transcription.JobStatus.COMPLETED;
import static dev.scriptorium.transcription.JobStatus.FAILED;
import static dev.scriptorium.transcription.JobStatus.PROCESSING;
import static dev.scriptorium.transcription.JobStatus.QUEUED;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one table of legal job state moves. {@code processing -> processing} is a change of stage;
 * {@code processing -> queued} hands a stored upload over to the transcription queue, or puts an interrupted attempt
 * back; {@code failed -> queued} and {@code canceled -> queued} are an operator's retry.
 */
public final class JobTransitions {
    private static final Map<JobStatus, Set<JobStatus>> ALLOWED = new EnumMap<>(Map.of(
            QUEUED, EnumSet.of(PROCESSING, FAILED, CANCELED),
            PROCESSING, EnumSet.of(PROCESSING, QUEUED, COMPLETED, FAILED, CANCELED),
            FAILED, EnumSet.of(QUEUED),
            COMPLETED, EnumSet.noneOf(JobStatus.class),
            CANCELED, EnumSet.of(QUEUED)));

    private JobTransitions() {
    }

    public static boolean allowed(JobStatus from, JobStatus to) {
        return ALLOWED.get(from).contains(to);
    }

    /** @throws IllegalTransitionException if the move is not in the table */
    public static void check(JobStatus from, JobStatus to) {
        if (!allowed(from, to)) {
            throw new IllegalTransitionException(from, to);
        }
    }
}
