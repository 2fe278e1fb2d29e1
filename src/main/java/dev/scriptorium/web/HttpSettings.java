package dev.scriptorium.web;

import java.util.Optional;

/**
 * The public HTTP listener and who may use it.
 *
 * @param maxUploadBytes     larger uploads get 413
 * @param adminToken         a bearer token that counts as an admin key (none: admin keys only)
 * @param anonymousAccess    whether the form and API work without a key; empty: the role decides (on for serve)
 * @param uploadsPerMinute   uploads per client per minute (0: no limit)
 * @param requestsPerMinute  other API requests per client per minute (0: no limit)
 * @param wordTimestamps     whether a job without {@code word_timestamps} gets words with their times
 * @param vad                whether a job without {@code vad} gets speech detection (Whisper hears only speech)
 * @param openAiMaxWaitSeconds how long a request to the OpenAI-compatible API waits for its job
 */
public record HttpSettings(String host, int port, long maxUploadBytes, Optional<String> adminToken,
                           Optional<Boolean> anonymousAccess, int uploadsPerMinute, int requestsPerMinute,
                           boolean wordTimestamps, boolean vad, long openAiMaxWaitSeconds) {
    @Override
    public String toString() {
        return "HttpSettings[" + host + ":" + port + ", maxUploadBytes=" + maxUploadBytes + ", adminToken="
                + (adminToken.isPresent() ? "(set)" : "(none)") + ", anonymousAccess=" + anonymousAccess
                + ", uploadsPerMinute=" + uploadsPerMinute + ", requestsPerMinute=" + requestsPerMinute
                + ", wordTimestamps=" + wordTimestamps + ", vad=" + vad + ", openAiMaxWaitSeconds=" + openAiMaxWaitSeconds + "]";
    }
}
