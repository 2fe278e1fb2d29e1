package dev.scriptorium.speech;

/**
 * Whether new jobs get speech detection, for {@code /api/v1/status}: the model file is looked for on every read, so
 * that a model downloaded while the service runs shows at once.
 *
 * @param model            the file {@code VAD_MODEL} names
 * @param available        whether it is there; null when this process runs no worker and cannot see the file (the
 *                         workers may have it: each job's {@code speech_detection} says whether it ran)
 * @param enabledByDefault whether a job that does not say {@code vad} asks for speech detection
 * @param message          what that means for jobs, and how to get the model if it is missing
 */
public record SpeechStatus(String model, Boolean available, boolean enabledByDefault, String message) {

    /** @param worker whether this process runs jobs itself (serve), so that the file it sees is the one jobs use */
    public static SpeechStatus of(SpeechSettings settings, boolean enabledByDefault, boolean worker) {
        boolean available = settings.modelPresent();
        if (!available && !worker) {
            return new SpeechStatus(settings.model().toString(), null, enabledByDefault, "Speech detection runs on"
                    + " the workers, and this web process cannot see " + settings.model() + " to say whether they"
                    + " have it; each job's speech_detection says whether it ran.");
        }
        String message = available
                ? (enabledByDefault ? "Whisper hears only the speech Silero VAD finds; send vad=false to have it"
                        + " hear all of a file." : "Speech detection is off unless a job sends vad=true.")
                : settings.missingModelNote();
        return new SpeechStatus(settings.model().toString(), available, enabledByDefault, message);
    }
}
