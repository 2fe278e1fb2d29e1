package dev.scriptorium.whisper;

/** whisper.cpp reported a failure for one piece of audio. */
public final class TranscriptionException extends RuntimeException {
    public TranscriptionException(String message) {
        super(message);
    }
}
