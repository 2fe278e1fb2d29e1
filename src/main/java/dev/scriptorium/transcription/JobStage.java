package dev.scriptorium.transcription;

import java.util.Locale;

/** The step a {@code processing} job is in. */
public enum JobStage {
    INGESTING, EXTRACTING_AUDIO, DETECTING_SPEECH, TRANSCRIBING, STORING;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
