package dev.scriptorium.whisper;

/**
 * One word as whisper.cpp's tokens give it: its text with the leading space and the punctuation that belong to it,
 * times in seconds from the start of the audio given, and the mean probability of its tokens.
 */
public record WhisperWord(String text, double start, double end, double probability) {
}
