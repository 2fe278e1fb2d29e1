package dev.scriptorium.transcription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JobOptionsTest {
    @Test
    void blankOrAutoLanguageMeansDetect() {
        assertThat(JobOptions.parse("auto", null).language()).isEmpty();
        assertThat(JobOptions.parse("", "").language()).isEmpty();
        assertThat(JobOptions.parse(null, null).task()).isEqualTo(JobOptions.Task.TRANSCRIBE);
    }

    @Test
    void aKnownLanguageCodeAndTranslateAreAccepted() {
        JobOptions options = JobOptions.parse("DE", "translate");
        assertThat(options.language()).contains("de");
        assertThat(options.task()).isEqualTo(JobOptions.Task.TRANSLATE);
    }

    @Test
    void anUnknownLanguageIsRejectedWithWhatToSendInstead() {
        assertThatThrownBy(() -> JobOptions.parse("klingon", null))
                .hasMessageContaining("language must be 'auto' or a Whisper language code");
    }

    @Test
    void anUnknownTaskIsRejectedWithTheValidTasks() {
        assertThatThrownBy(() -> JobOptions.parse(null, "summarize"))
                .hasMessageContaining("task must be 'transcribe' or 'translate'");
    }
}
