package dev.scriptorium.transcription;

/**
 * One word of a transcript: its text (with its leading space and punctuation), its start and end in seconds from the
 * beginning of the file, and Whisper's mean probability for its tokens.
 */
public record TranscriptWord(String text, double start, double end, double probability) {
}
