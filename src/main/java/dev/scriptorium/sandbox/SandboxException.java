package dev.scriptorium.sandbox;

/** The child answered a request with an error of its own (not a problem with the media). */
public final class SandboxException extends Exception {
    public SandboxException(String message) {
        super(message);
    }
}
