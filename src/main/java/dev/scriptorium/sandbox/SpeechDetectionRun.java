package dev.scriptorium.sandbox;

import java.util.Optional;

/**
 * What a child's speech detection did.
 *
 * @param frames         probabilities written, one per 32 ms frame
 * @param elapsedSeconds the child's own time for it
 * @param unavailable    why it could not run (the model cannot be loaded), if so
 */
public record SpeechDetectionRun(long frames, double elapsedSeconds, Optional<String> unavailable) {
}
