package dev.scriptorium.whisper;

/** A segment as whisper.cpp returns it: times in seconds from the start of the audio it was given. */
public record WhisperSegment(double start, double end, String text) {
}
