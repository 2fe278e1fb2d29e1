package dev.scriptorium.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the media fixture itself: each file is what its name says (by ffprobe), and each hostile file really makes
 * FFmpeg, used without protocol/format whitelists, decode another local file. If that last part ever stops being
 * true, tests that "prove" a whitelist blocks these files would prove nothing.
 */
class TestMediaTest {

    /** A sentence that no other fixture speaks, so its audio is recognisably the secret's. */
    static final String SECRET_SENTENCE = "The secret launch code is seven seven three nine. Never tell anyone.";

    static final int RATE = 16000;

    @TempDir
    Path dir;

    TestMedia media;

    @BeforeEach
    void setUp() {
        media = new TestMedia(dir);
    }

    @Nested
    class Audio {

        @Test
        void speechWav_is_espeak_speech_of_the_default_sentence_as_16_bit_pcm_wav_of_4_to_9_seconds() {
            Probe probe = ffprobe(media.speechWav());

            assertThat(probe.formatName()).isEqualTo("wav");
            assertThat(probe.codecs()).containsExactly("audio:pcm_s16le");
            assertThat(probe.duration()).isBetween(4.0, 9.0);
            assertThat(rms(ffmpegDecode(media.speechWav()))).as("speech, not silence").isGreaterThan(0.02);
        }

        @Test
        void speechWav_speaks_the_given_text_so_longer_text_lasts_longer() {
            double shortOne = ffprobe(media.speechWav("Hello.")).duration();
            double longOne = ffprobe(media.speechWav(TestMedia.SENTENCE + " " + TestMedia.SENTENCE)).duration();

            assertThat(shortOne).isLessThan(2.0);
            assertThat(longOne).isGreaterThan(8.0);
        }

        @Test
        void wav_is_pcm_wav_at_44100_hz_mono() {
            Path wav = media.wav();

            Probe probe = ffprobe(wav);
            assertThat(probe.formatName()).isEqualTo("wav");
            assertThat(probe.codecs()).containsExactly("audio:pcm_s16le");
            assertThat(probe.streams().get(0)).containsEntry("sample_rate", "44100").containsEntry("channels", "1");
            assertThat(probe.duration()).isBetween(4.0, 9.0);
        }

        @Test
        void mp3_is_mp3_audio_only() {
            Probe probe = ffprobe(media.mp3());

            assertThat(probe.formatName()).isEqualTo("mp3");
            assertThat(probe.codecs()).containsExactly("audio:mp3");
            assertThat(probe.duration()).isBetween(4.0, 9.0);
        }

        @Test
        void m4a_is_aac_only_in_mp4_with_the_index_at_the_front() throws IOException {
            Path m4a = media.m4a();

            Probe probe = ffprobe(m4a);
            assertThat(probe.formatName()).isEqualTo("mov,mp4,m4a,3gp,3g2,mj2");
            assertThat(probe.codecs()).containsExactly("audio:aac");
            assertThat(probe.duration()).isBetween(4.0, 9.0);
            assertThat(moovBeforeMdat(m4a)).isTrue();
        }

        @Test
        void tone_is_a_sine_of_the_requested_length() {
            Path tone = media.tone(2.5);

            Probe probe = ffprobe(tone);
            assertThat(probe.codecs()).containsExactly("audio:pcm_s16le");
            assertThat(probe.duration()).isCloseTo(2.5, within(0.01));
            assertThat(rms(ffmpegDecode(tone))).as("ffmpeg's sine: amplitude 1/8, RMS 0.088").isCloseTo(0.088, within(0.005));
        }
    }

    @Nested
    class Video {

        @Test
        void mp4H264Aac_is_h264_and_aac_in_mp4_with_the_index_at_the_front_and_speech_as_long_as_the_picture()
                throws IOException {
            Path mp4 = media.mp4H264Aac();

            Probe probe = ffprobe(mp4);
            assertThat(mp4.getFileName().toString()).endsWith(".mp4");
            assertThat(probe.formatName()).isEqualTo("mov,mp4,m4a,3gp,3g2,mj2");
            assertThat(probe.codecs()).containsExactly("video:h264", "audio:aac");
            assertThat(probe.duration()).isBetween(4.0, 9.0);
            assertThat(probe.streamDuration("video")).isCloseTo(probe.streamDuration("audio"), within(0.2));
            assertThat(moovBeforeMdat(mp4)).isTrue();
            assertThat(Files.size(mp4)).isLessThan(400_000);
        }

        @Test
        void webmVp9Opus_is_vp9_and_opus_in_webm() throws IOException {
            Path webm = media.webmVp9Opus();

            Probe probe = ffprobe(webm);
            assertThat(webm.getFileName().toString()).endsWith(".webm");
            assertThat(probe.formatName()).isEqualTo("matroska,webm");
            assertThat(probe.codecs()).containsExactly("video:vp9", "audio:opus");
            assertThat(probe.duration()).isBetween(4.0, 9.0);
            assertThat(Files.size(webm)).isLessThan(400_000);
        }

        @Test
        void mkvH264Aac_is_h264_and_aac_in_matroska() throws IOException {
            Path mkv = media.mkvH264Aac();

            Probe probe = ffprobe(mkv);
            assertThat(mkv.getFileName().toString()).endsWith(".mkv");
            assertThat(probe.formatName()).isEqualTo("matroska,webm");
            assertThat(probe.codecs()).containsExactly("video:h264", "audio:aac");
            assertThat(probe.duration()).isBetween(4.0, 9.0);
            assertThat(Files.size(mkv)).isLessThan(400_000);
        }

        @Test
        void videoWithoutAudio_is_an_h264_mp4_with_no_audio_stream() {
            Probe probe = ffprobe(media.videoWithoutAudio());

            assertThat(probe.formatName()).isEqualTo("mov,mp4,m4a,3gp,3g2,mj2");
            assertThat(probe.codecs()).containsExactly("video:h264");
        }

        @Test
        void videoWithoutAudio_opens_in_javacv_with_hasAudio_false_and_no_samples() {
            Decoded decoded = javacvDecode(media.videoWithoutAudio());

            assertThat(decoded.hasAudio()).isFalse();
            assertThat(decoded.samples()).isEmpty();
        }

        @Test
        void longVideo_is_h264_and_aac_in_mp4_lasting_exactly_the_requested_seconds_with_audio_to_the_end() {
            Path video = media.longVideo(120);

            Probe probe = ffprobe(video);
            assertThat(probe.formatName()).isEqualTo("mov,mp4,m4a,3gp,3g2,mj2");
            assertThat(probe.codecs()).containsExactly("video:h264", "audio:aac");
            assertThat(probe.duration()).isCloseTo(120.0, within(0.1));
            float[] audio = ffmpegDecode(video);
            assertThat(audio.length / (double) RATE).isCloseTo(120.0, within(0.1));
            assertThat(rms(Arrays.copyOfRange(audio, audio.length - 10 * RATE, audio.length)))
                    .as("speech in the last 10 s").isGreaterThan(0.02);
        }

        @Test
        void longVideo_of_ten_minutes_is_made_in_a_few_seconds_and_stays_small() throws IOException {
            long start = System.nanoTime();
            Path video = media.longVideo(600);
            double seconds = (System.nanoTime() - start) / 1e9;

            assertThat(seconds).isLessThan(10.0);
            assertThat(ffprobe(video).duration()).isCloseTo(600.0, within(0.1));
            assertThat(Files.size(video)).isLessThan(4_000_000);
        }
    }

    @Nested
    class UnevenStreams {

        @Test
        void mp4AudioEndingBeforePicture_declares_the_pictures_length_while_its_audio_stream_ends_sooner() {
            double sentence = media.sentenceSeconds();
            Probe probe = ffprobe(media.mp4AudioEndingBeforePicture(3));

            assertThat(probe.duration()).isCloseTo(sentence + 3, within(0.3));
            assertThat(probe.streamDuration("audio")).isCloseTo(sentence, within(0.1));
        }

        @Test
        void mkvFlacAudioEndingBeforePicture_is_h264_and_flac_in_matroska_decoding_seconds_short_of_its_duration() {
            Path file = media.mkvFlacAudioEndingBeforePicture(3);

            Probe probe = ffprobe(file);
            assertThat(probe.codecs()).containsExactly("video:h264", "audio:flac");
            assertThat(ffmpegDecode(file).length / (double) RATE).isLessThan(probe.duration() - 2.5);
        }

        @Test
        void mp4WithLateAudio_starts_its_audio_stream_after_the_given_delay() {
            Probe probe = ffprobe(media.mp4WithLateAudio(2));

            assertThat(probe.streamStart("video")).isZero();
            assertThat(probe.streamStart("audio")).isCloseTo(2.0, within(0.1));
        }

        @Test
        void mp4PictureShorterThanAudio_has_a_picture_of_the_given_length_and_the_whole_sentence() {
            double sentence = media.sentenceSeconds();
            Probe probe = ffprobe(media.mp4PictureShorterThanAudio(2));

            assertThat(probe.streamDuration("video")).isCloseTo(2.0, within(0.1));
            assertThat(probe.duration()).isCloseTo(sentence, within(0.1));
        }

        @Test
        void truncatedMkv_declares_20_seconds_but_decodes_to_about_half() {
            Path truncated = media.truncatedMkv();

            Probe probe = ffprobe(truncated);
            assertThat(probe.formatName()).isEqualTo("matroska,webm");
            assertThat(probe.duration()).isCloseTo(TestMedia.TRUNCATED_SOURCE_SECONDS, within(0.1));
            assertThat(ffmpegDecode(truncated).length / (double) RATE).isBetween(5.0, 15.0);
        }
    }

    @Nested
    class BrokenFiles {

        @Test
        void truncatedMp4_declares_20_seconds_but_decodes_without_error_to_about_half() {
            Path truncated = media.truncatedMp4();

            Probe probe = ffprobe(truncated);
            assertThat(probe.formatName()).isEqualTo("mov,mp4,m4a,3gp,3g2,mj2");
            assertThat(probe.duration()).isCloseTo(TestMedia.TRUNCATED_SOURCE_SECONDS, within(0.1));
            double decodedSeconds = ffmpegDecode(truncated).length / (double) RATE;
            assertThat(decodedSeconds).isBetween(5.0, 15.0);
        }

        @Test
        void truncatedMp4_in_javacv_decodes_clearly_less_than_getLengthInTime() {
            Decoded decoded = javacvDecode(media.truncatedMp4());

            assertThat(decoded.lengthInSeconds()).isCloseTo(TestMedia.TRUNCATED_SOURCE_SECONDS, within(0.1));
            assertThat(decoded.seconds()).isBetween(5.0, 0.75 * decoded.lengthInSeconds());
        }

        @Test
        void textFileNamedMp4_is_plain_text_named_notes_mp4_that_ffprobe_rejects() throws IOException {
            Path notes = media.textFileNamedMp4();

            assertThat(notes.getFileName().toString()).isEqualTo("notes.mp4");
            assertThat(Files.readString(notes)).contains("plain text");
            assertThat(run(List.of("ffprobe", "-v", "error", notes.toString())).exitCode()).isNotZero();
        }

        @Test
        void emptyFile_is_an_empty_file_with_exactly_the_given_name() throws IOException {
            Path empty = media.emptyFile("upload.mp4");

            assertThat(empty).isEqualTo(dir.resolve("upload.mp4"));
            assertThat(Files.size(empty)).isZero();
            assertThatThrownBy(() -> media.emptyFile("upload.mp4")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> media.emptyFile("../escape.mp4")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Naming_and_failures {

        @Test
        void every_call_writes_a_new_file_into_the_directory() {
            Path first = media.mp4H264Aac();
            Path second = media.mp4H264Aac();
            Path third = media.textFileNamedMp4();
            Path fourth = media.textFileNamedMp4();

            assertThat(List.of(first, second, third, fourth)).doesNotHaveDuplicates()
                    .allSatisfy(p -> assertThat(p.getParent()).isEqualTo(dir.toAbsolutePath().normalize()))
                    .allSatisfy(p -> assertThat(p).exists());
            assertThat(fourth.getFileName().toString()).isEqualTo("notes-2.mp4");
        }

        @Test
        void leaves_nothing_but_its_results_in_the_directory() throws IOException {
            Path video = media.mp4H264Aac();
            Path truncated = media.truncatedMp4();

            try (var files = Files.list(media.dir())) {
                assertThat(files.toList()).containsExactlyInAnyOrder(video, truncated);
            }
        }

        @Test
        void a_failing_tool_fails_with_its_command_exit_status_and_output_tail() throws IOException {
            Path fakeFfmpeg = script("echo 'Unknown encoder libx264' >&2; exit 3");

            TestMedia broken = new TestMedia(dir.resolve("out"), fakeFfmpeg.toString(), "espeak-ng",
                    Duration.ofSeconds(10));

            assertThatThrownBy(broken::mp4H264Aac).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exit status 3").hasMessageContaining("Unknown encoder libx264")
                    .hasMessageContaining("testsrc2");
        }

        @Test
        void a_hanging_tool_is_killed_after_the_timeout() throws IOException {
            Path hangingFfmpeg = script("exec sleep 30");
            TestMedia hanging = new TestMedia(dir.resolve("out"), hangingFfmpeg.toString(), "espeak-ng",
                    Duration.ofMillis(500));

            long start = System.nanoTime();
            assertThatThrownBy(hanging::videoWithoutAudio).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("timed out");
            assertThat((System.nanoTime() - start) / 1e9).isLessThan(10.0);
        }

        @Test
        void a_missing_tool_fails_with_a_hint_to_install_it() {
            TestMedia missing = new TestMedia(dir.resolve("out"), "/nonexistent/ffmpeg", "/nonexistent/espeak-ng",
                    Duration.ofSeconds(10));

            assertThatThrownBy(missing::speechWav).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("espeak-ng");
        }

        Path script(String body) throws IOException {
            Path script = dir.resolve("fake-tool.sh");
            Files.writeString(script, "#!/bin/sh\n" + body + "\n");
            script.toFile().setExecutable(true);
            return script;
        }
    }

    /**
     * The hostile fixtures. Each must make FFmpeg WITHOUT whitelists decode the secret: the audio that comes out is
     * the secret's own audio, sample for sample, though the file handed to FFmpeg is a small text file.
     */
    @Nested
    class HostileFixtures {

        @TempDir
        Path elsewhere;

        Path secret;

        @BeforeEach
        void makeSecret() {
            secret = new TestMedia(elsewhere).m4a(SECRET_SENTENCE);
        }

        @Test
        void dashManifestNamedMp4_is_an_mpd_named_video_mp4_whose_segment_is_the_secret() throws IOException {
            Path manifest = media.dashManifestNamedMp4(secret);

            assertThat(manifest.getFileName().toString()).isEqualTo("video.mp4");
            assertThat(Files.readString(manifest)).contains("<MPD", "<BaseURL>" + secret.toAbsolutePath() + "</BaseURL>");
            assertThat(Files.size(manifest)).isLessThan(2000);
            Probe probe = ffprobe(manifest);
            assertThat(probe.formatName()).isEqualTo("dash");
            assertThat(probe.codecs()).containsExactly("audio:aac");
        }

        @Test
        void dashManifestNamedMp4_makes_the_ffmpeg_cli_without_whitelists_decode_the_secret() {
            Path manifest = media.dashManifestNamedMp4(secret);

            assertSameAudio(ffmpegDecode(manifest), ffmpegDecode(secret));
        }

        @Test
        void dashManifestNamedMp4_makes_javacv_without_options_decode_the_secret() {
            Path manifest = media.dashManifestNamedMp4(secret);

            Decoded decoded = javacvDecode(manifest);
            assertThat(decoded.format()).isEqualTo("dash");
            assertSameAudio(decoded.samples(), javacvDecode(secret).samples());
        }

        @Test
        void dashManifestNamedMp4_refuses_a_secret_that_ffmpeg_would_not_fetch_as_a_dash_segment() {
            Path wav = new TestMedia(elsewhere).speechWav(SECRET_SENTENCE);

            assertThatThrownBy(() -> media.dashManifestNamedMp4(wav))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DASH");
        }

        @Test
        void ffconcatNamedMp4_is_an_ffconcat_list_named_video_mp4_with_the_secret_as_a_relative_entry()
                throws IOException {
            Path neighbour = new TestMedia(dir.resolve("other-job")).m4a(SECRET_SENTENCE);

            Path list = media.ffconcatNamedMp4(neighbour);

            assertThat(list.getFileName().toString()).isEqualTo("video.mp4");
            assertThat(Files.readString(list)).isEqualTo("ffconcat version 1.0\nfile other-job/audio.m4a\n");
            assertThat(ffprobe(list).formatName()).isEqualTo("concat");
        }

        @Test
        void ffconcatNamedMp4_makes_the_ffmpeg_cli_without_whitelists_decode_a_file_beside_it() {
            Path neighbour = media.m4a(SECRET_SENTENCE);

            Path list = media.ffconcatNamedMp4(neighbour);

            assertSameAudio(ffmpegDecode(list), ffmpegDecode(neighbour));
        }

        @Test
        void ffconcatNamedMp4_makes_javacv_without_options_decode_a_file_below_it() {
            Path neighbour = new TestMedia(dir.resolve("other-job")).m4a(SECRET_SENTENCE);

            Path list = media.ffconcatNamedMp4(neighbour);

            Decoded decoded = javacvDecode(list);
            assertThat(decoded.format()).isEqualTo("concat");
            assertSameAudio(decoded.samples(), javacvDecode(neighbour).samples());
        }

        @Test
        void ffconcatNamedMp4_refuses_secrets_that_ffmpeg_safe_mode_would_not_open() {
            Path hidden = new TestMedia(dir.resolve(".hidden")).m4a(SECRET_SENTENCE);

            assertThatThrownBy(() -> media.ffconcatNamedMp4(secret))
                    .as("outside the directory").isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> media.ffconcatNamedMp4(hidden))
                    .as("component with a leading dot").isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void hlsPlaylistPointingAt_is_an_m3u8_whose_only_segment_is_the_secret() throws IOException {
            Path playlist = media.hlsPlaylistPointingAt(secret);

            assertThat(playlist.getFileName().toString()).isEqualTo("playlist.m3u8");
            assertThat(Files.readAllLines(playlist)).startsWith("#EXTM3U")
                    .contains(secret.toAbsolutePath().toString()).endsWith("#EXT-X-ENDLIST");
            Probe probe = ffprobe(playlist);
            assertThat(probe.formatName()).isEqualTo("hls");
            assertThat(probe.codecs()).containsExactly("audio:aac");
        }

        @Test
        void hlsPlaylistPointingAt_makes_the_ffmpeg_cli_without_whitelists_decode_the_secret() {
            Path playlist = media.hlsPlaylistPointingAt(secret);

            assertSameAudio(ffmpegDecode(playlist), ffmpegDecode(secret));
        }

        @Test
        void hlsPlaylistPointingAt_makes_javacv_without_options_decode_the_secret() {
            Path playlist = media.hlsPlaylistPointingAt(secret);

            Decoded decoded = javacvDecode(playlist);
            assertThat(decoded.format()).isEqualTo("hls");
            assertSameAudio(decoded.samples(), javacvDecode(secret).samples());
        }

        @Test
        void hlsPlaylistPointingAt_also_works_with_an_mp3_or_a_faststart_mp4_secret() {
            TestMedia other = new TestMedia(elsewhere);
            Path mp3 = other.mp3(SECRET_SENTENCE);
            Path mp4 = other.mp4H264Aac(SECRET_SENTENCE);

            assertSameAudio(javacvDecode(media.hlsPlaylistPointingAt(mp3)).samples(), javacvDecode(mp3).samples());
            assertSameAudio(javacvDecode(media.hlsPlaylistPointingAt(mp4)).samples(), javacvDecode(mp4).samples());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers: ffprobe, the ffmpeg CLI and JavaCV, all used WITHOUT any whitelist.

    /** Same speech: lengths within 50 ms, and the difference is under 1% of the signal (they are bit-identical today). */
    static void assertSameAudio(float[] actual, float[] expected) {
        assertThat(rms(expected)).as("the expected audio is speech").isGreaterThan(0.02);
        assertThat(actual.length).as("decoded samples").isCloseTo(expected.length, within(RATE / 20));
        int n = Math.min(actual.length, expected.length);
        double diff = 0;
        for (int i = 0; i < n; i++) {
            double d = actual[i] - expected[i];
            diff += d * d;
        }
        assertThat(Math.sqrt(diff / n)).as("RMS of the difference").isLessThan(0.01 * rms(expected));
    }

    static double rms(float[] samples) {
        double sum = 0;
        for (float s : samples) {
            sum += s * s;
        }
        return samples.length == 0 ? 0 : Math.sqrt(sum / samples.length);
    }

    /** True when an MP4's moov box comes before its mdat box (faststart). */
    static boolean moovBeforeMdat(Path mp4) throws IOException {
        byte[] bytes = Files.readAllBytes(mp4);
        String ascii = new String(bytes, StandardCharsets.ISO_8859_1);
        int moov = ascii.indexOf("moov");
        int mdat = ascii.indexOf("mdat");
        return moov >= 0 && mdat >= 0 && moov < mdat;
    }

    record Probe(String formatName, double duration, List<Map<String, String>> streams) {

        List<String> codecs() {
            return streams.stream().map(s -> s.get("codec_type") + ":" + s.get("codec_name")).toList();
        }

        double streamDuration(String type) {
            return streams.stream().filter(s -> type.equals(s.get("codec_type"))).findFirst()
                    .map(s -> Double.parseDouble(s.get("duration"))).orElseThrow();
        }

        double streamStart(String type) {
            return streams.stream().filter(s -> type.equals(s.get("codec_type"))).findFirst()
                    .map(s -> Double.parseDouble(s.get("start_time"))).orElseThrow();
        }
    }

    static Probe ffprobe(Path file) {
        Result result = run(List.of("ffprobe", "-v", "error",
                "-show_entries", "format=format_name,duration"
                        + ":stream=codec_type,codec_name,sample_rate,channels,duration,start_time",
                "-of", "compact", file.toString()));
        assertThat(result.exitCode()).as("ffprobe %s: %s", file, result.stderr()).isZero();
        String formatName = null;
        double duration = Double.NaN;
        List<Map<String, String>> streams = new ArrayList<>();
        for (String line : result.stdoutText().split("\n")) {
            Map<String, String> fields = new HashMap<>();
            String[] parts = line.split("\\|");
            for (String part : parts) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    fields.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
            if (line.startsWith("stream|")) {
                streams.add(fields);
            } else if (line.startsWith("format|")) {
                formatName = fields.get("format_name");
                String d = fields.get("duration");
                duration = d == null || d.equals("N/A") ? Double.NaN : Double.parseDouble(d);
            }
        }
        return new Probe(formatName, duration, streams);
    }

    /** The ffmpeg CLI, no whitelists: first audio stream as 16 kHz mono float32. */
    static float[] ffmpegDecode(Path file) {
        Result result = run(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-i", file.toString(),
                "-map", "0:a:0", "-ac", "1", "-ar", String.valueOf(RATE), "-f", "f32le", "-"));
        assertThat(result.exitCode()).as("ffmpeg %s: %s", file, result.stderr()).isZero();
        FloatBuffer floats = ByteBuffer.wrap(result.stdout()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] samples = new float[floats.remaining()];
        floats.get(samples);
        return samples;
    }

    record Decoded(String format, boolean hasAudio, long lengthInTime, float[] samples) {
        double seconds() {
            return samples.length / (double) RATE;
        }

        double lengthInSeconds() {
            return lengthInTime / 1e6;
        }
    }

    /** JavaCV as the service uses it, but with no options at all: 16 kHz mono float samples. */
    static Decoded javacvDecode(Path file) {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toString())) {
            grabber.setSampleRate(RATE);
            grabber.setAudioChannels(1);
            grabber.setSampleMode(FrameGrabber.SampleMode.FLOAT);
            grabber.start();
            float[] samples = new float[RATE * 8];
            int n = 0;
            for (Frame frame; (frame = grabber.grabSamples()) != null; ) {
                if (frame.samples == null) {
                    continue;
                }
                FloatBuffer buffer = (FloatBuffer) frame.samples[0];
                if (n + buffer.remaining() > samples.length) {
                    samples = Arrays.copyOf(samples, Math.max(samples.length * 2, n + buffer.remaining()));
                }
                int count = buffer.remaining();
                buffer.get(samples, n, count);
                n += count;
            }
            Decoded decoded = new Decoded(grabber.getFormat(), grabber.hasAudio(), grabber.getLengthInTime(),
                    Arrays.copyOf(samples, n));
            grabber.stop();
            return decoded;
        } catch (FrameGrabber.Exception e) {
            throw new AssertionError("JavaCV could not decode " + file + ": " + e.getMessage(), e);
        }
    }

    record Result(int exitCode, byte[] stdout, String stderr) {
        String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    static Result run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread drain = new Thread(() -> copy(process.getErrorStream(), err));
            drain.setDaemon(true);
            drain.start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            drain.join(5000);
            return new Result(process.exitValue(), out, err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void copy(InputStream from, ByteArrayOutputStream to) {
        try {
            from.transferTo(to);
        } catch (IOException e) {
            // process gone
        }
    }
}
