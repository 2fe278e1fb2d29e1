package dev.scriptorium.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scriptorium.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a folder walk tells the media to transcribe from everything else. */
class MediaFinderTest {
    @TempDir
    Path folder;

    private Path copy(Path source, String name) throws Exception {
        Path target = folder.resolve(name);
        Files.createDirectories(target.getParent());
        return Files.copy(source, target);
    }

    @Test
    void mediaIsFoundByExtensionOrByItsFirstBytesAndHiddenFilesAreSkipped() throws Exception {
        TestMedia media = new TestMedia(Files.createTempDirectory("media"));
        Path wav = copy(media.tone(1), "a.wav");
        Path mp3 = copy(media.mp3(), "talks/day 1/b.mp3");
        Path misnamed = copy(media.mp3(), "talks/notes.txt");
        Path textAsVideo = copy(media.textFileNamedMp4(), "talks/broken.mp4");
        copy(media.tone(1), ".hidden.wav");
        copy(media.tone(1), ".cache/c.wav");
        Files.writeString(folder.resolve("talks/readme.md"), "# Talks\n");

        MediaFinder.Result found = MediaFinder.find(List.of(folder));

        assertThat(found.media()).extracting(MediaFinder.Found::file)
                .containsExactlyInAnyOrder(wav, mp3, misnamed, textAsVideo);
        assertThat(found.media()).allSatisfy(file -> assertThat(file.root()).isEqualTo(folder));
        assertThat(found.skipped()).extracting(skipped -> folder.relativize(skipped.file()).toString(),
                MediaFinder.Skipped::reason).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(".hidden.wav", "hidden"),
                        org.assertj.core.groups.Tuple.tuple("talks/readme.md", "not a media file"));
    }

    @Test
    void aFileNamedOnTheCommandLineIsTakenWhateverItIs() throws Exception {
        Path notes = Files.writeString(folder.resolve("notes.md"), "not media");

        MediaFinder.Result found = MediaFinder.find(List.of(notes));

        assertThat(found.media()).extracting(MediaFinder.Found::file).containsExactly(notes);
    }

    @Test
    void aPathThatDoesNotExistIsRefusedByName() {
        assertThatThrownBy(() -> MediaFinder.find(List.of(folder.resolve("missing"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing");
    }

    @Test
    void theSnifferKnowsCommonContainersAndRejectsText() throws Exception {
        TestMedia media = new TestMedia(Files.createTempDirectory("media"));

        assertThat(List.of(media.tone(1), media.mp3(), media.m4a(), media.mp4H264Aac(), media.mkvH264Aac(),
                media.webmVp9Opus())).allSatisfy(file -> assertThat(MediaSniffer.looksLikeMedia(file))
                .as(file.toString()).isTrue());
        assertThat(MediaSniffer.looksLikeMedia(media.textFileNamedMp4())).isFalse();
        assertThat(MediaSniffer.looksLikeMedia(new byte[0])).isFalse();
        assertThat(MediaSniffer.looksLikeMedia("{\"text\": \"hello\"}".getBytes())).isFalse();
    }
}
