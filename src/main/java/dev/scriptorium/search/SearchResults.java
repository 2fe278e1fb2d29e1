package dev.scriptorium.search;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A page of search results: jobs, best first, each with its best segments.
 *
 * @param more whether another page follows
 */
public record SearchResults(List<JobHits> jobs, boolean more) {

    /**
     * One job's matches.
     *
     * @param score          the sum of its segments' ranks, so that more matches rank higher
     * @param hitCount       how many of its segments match; {@code hits} holds the best few
     * @param mediaAvailable whether its media is still stored, to play from a hit
     */
    public record JobHits(UUID jobId, String filename, Instant createdAt, Optional<Double> durationSeconds,
                          boolean mediaAvailable, double score, int hitCount, List<Hit> hits) {
    }

    /**
     * A matching segment, as it reads now (its latest revision).
     *
     * @param segment    the segment's number in the transcript, from 0
     * @param snippet    the segment's text around the matches
     * @param highlights the matched stretches of {@code snippet}, as [start, end) character offsets
     */
    public record Hit(int segment, double start, double end, double rank, String snippet, List<int[]> highlights) {
    }
}
