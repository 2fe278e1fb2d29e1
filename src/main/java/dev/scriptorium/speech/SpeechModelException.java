package dev.scriptorium.speech;

/** The speech detection model cannot be loaded or run; the message says what to do about it. */
public final class SpeechModelException extends Exception {
    public SpeechModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
