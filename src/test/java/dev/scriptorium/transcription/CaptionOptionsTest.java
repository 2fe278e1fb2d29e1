package dev.scriptorium.transcription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CaptionOptionsTest {
    @Test
    void missingOrBlankValuesMeanTheDefault() {
        assertThat(CaptionOptions.parse(null, null)).isEqualTo(CaptionOptions.DEFAULT);
        assertThat(CaptionOptions.parse("", " ")).isEqualTo(new CaptionOptions(42, 2));
    }

    @Test
    void valuesAtTheBoundsAreAccepted() {
        assertThat(CaptionOptions.parse("10", "1")).isEqualTo(new CaptionOptions(10, 1));
        assertThat(CaptionOptions.parse(" 200 ", "10")).isEqualTo(new CaptionOptions(200, 10));
    }

    @Test
    void aValueThatIsNotAWholeNumberIsRejectedNamingTheParameterAndTheRange() {
        assertThatThrownBy(() -> CaptionOptions.parse("abc", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max_line_chars must be a whole number from 10 to 200, but was 'abc'");
        assertThatThrownBy(() -> CaptionOptions.parse(null, "2.5"))
                .hasMessage("max_lines must be a whole number from 1 to 10, but was '2.5'");
    }

    @Test
    void valuesOutsideTheBoundsAreRejectedNamingTheParameterAndTheRange() {
        assertThatThrownBy(() -> CaptionOptions.parse("9", null)).hasMessageContaining("max_line_chars")
                .hasMessageContaining("from 10 to 200");
        assertThatThrownBy(() -> CaptionOptions.parse("201", null)).hasMessageContaining("max_line_chars");
        assertThatThrownBy(() -> CaptionOptions.parse(null, "0")).hasMessageContaining("max_lines")
                .hasMessageContaining("from 1 to 10");
        assertThatThrownBy(() -> CaptionOptions.parse(null, "99999999999")).hasMessageContaining("max_lines");
    }

    @Test
    void optionsBuiltInCodeAreCheckedToo() {
        assertThatThrownBy(() -> new CaptionOptions(42, 11))
                .hasMessage("max_lines must be a whole number from 1 to 10, but was 11");
    }
}
