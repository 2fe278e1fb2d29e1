package dev.scriptorium.media;

/** What probing found: the container, the audio codec, and the duration the container declares (0 if unknown). */
public record MediaInfo(String container, String audioCodec, double durationSeconds) {
}
