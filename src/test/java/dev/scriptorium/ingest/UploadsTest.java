package dev.scriptorium.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UploadsTest {
    @Test
    void theDisplayNameDropsAnyDirectoryTheClientSent() {
        assertThat(Uploads.displayName("../../etc/passwd")).isEqualTo("passwd");
        assertThat(Uploads.displayName("C:\\Users\\me\\talk.mp4")).isEqualTo("talk.mp4");
    }

    @Test
    void theDisplayNameDropsControlCharactersAndFallsBackWhenNothingIsLeft() {
        assertThat(Uploads.displayName("a\u0000b\nc.mp4")).isEqualTo("abc.mp4");
        assertThat(Uploads.displayName("/")).isEqualTo("upload");
        assertThat(Uploads.displayName(null)).isEqualTo("upload");
    }

    @Test
    void theDisplayNameKeepsTheEndOfAnOverlongName() {
        String name = "x".repeat(300) + ".mp4";
        assertThat(Uploads.displayName(name)).hasSize(255).endsWith(".mp4");
    }
}
