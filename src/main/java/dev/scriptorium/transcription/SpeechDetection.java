package dev.scriptorium.transcription;

import java.util.Locale;

/** Whether Whisper heard only the speech of a job's file. */
public enum SpeechDetection {
    /** Speech detection ran: Whisper heard its speech regions only. */
    APPLIED,
    /** The job asked for all of its audio ({@code vad=false}). */
    OFF,
    /** The speech detection model is missing: Whisper heard all of the audio. */
    UNAVAILABLE;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static SpeechDetection fromApiName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
