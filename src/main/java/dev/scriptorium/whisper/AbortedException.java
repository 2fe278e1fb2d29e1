package dev.scriptorium.whisper;

/** A transcription stopped by its caller's abort signal: its job was canceled. The model stays loaded. */
public final class AbortedException extends RuntimeException {
    public AbortedException() {
        super("aborted");
    }
}
