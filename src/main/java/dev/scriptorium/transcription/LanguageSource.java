package dev.scriptorium.transcription;

import java.util.Locale;

/** Where a job's language came from. */
public enum LanguageSource {
    /** The user named it. */
    REQUESTED,
    /** Whisper detected it, once per job, before the first chunk. */
    DETECTED,
    /** The model is English-only, so English it is, without detection. */
    MODEL;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static LanguageSource parse(String apiName) {
        return valueOf(apiName.toUpperCase(Locale.ROOT));
    }
}
