package dev.scriptorium.whisper;

/** The configured Whisper model cannot be used. */
public final class ModelException extends Exception {
    public ModelException(String message) {
        super(message);
    }
}
