package dev.scriptorium.transcription;

/** Told of every committed change to a job, e.g. to publish it; must not throw. */
@FunctionalInterface
public interface JobChangeListener {
    void changed(TranscriptionJob job);
}
