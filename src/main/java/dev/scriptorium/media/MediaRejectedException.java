package dev.scriptorium.media;

import dev.scriptorium.transcription.FailureCode;

/** The media itself cannot be transcribed; the message is written for the person who uploaded it. */
public final class MediaRejectedException extends Exception {
    private final FailureCode code;

    public MediaRejectedException(FailureCode code, String message) {
        super(message);
        this.code = code;
    }

    public FailureCode code() {
        return code;
    }
}
