package dev.scriptorium.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Makes test media at test time with the {@code ffmpeg} and {@code espeak-ng} command-line tools
 * (Debian packages {@code ffmpeg} and {@code espeak-ng}).
 *
 * <p>Every method writes a new file into the directory given to the constructor and returns its path. When the
 * natural name is taken (a second call of the same method), a counter is added: {@code video.mp4},
 * {@code video-2.mp4}, ... Files are small (tens to a few hundred KB, except {@link #longVideo(int)}) and each takes
 * well under a second to make. The output is deterministic for a given ffmpeg/espeak-ng version (bit-exact flags,
 * no metadata, no timestamps).
 *
 * <p>All failures are unchecked: a failing or hanging tool gives an {@link IllegalStateException} naming the command,
 * its exit status and the tail of its output; file-system errors give an {@link UncheckedIOException}.
 *
 * <p>The paths of the tools can be overridden with the system properties {@code testmedia.ffmpeg} and
 * {@code testmedia.espeak}.
 *
 * <h2>The hostile fixtures</h2>
 * {@link #dashManifestNamedMp4(Path)}, {@link #ffconcatNamedMp4(Path)} and {@link #hlsPlaylistPointingAt(Path)}
 * are text files that, opened by FFmpeg without {@code protocol_whitelist}/{@code format_whitelist}, make FFmpeg
 * decode ANOTHER local file (the "secret"). What FFmpeg (8.1 in JavaCV 1.5.14, and Debian's 5.1 CLI) itself
 * still refuses, so what the secret must be for the attack to be real:
 * <ul>
 *   <li>DASH: the segment's extension must be one of {@value #DASH_SEGMENT_EXTENSIONS}; an audio-only file works
 *       best (FFmpeg maps one stream per representation). {@link #m4a(String)} is the safe choice.</li>
 *   <li>HLS: the extension must be one of FFmpeg's HLS list; MP4-family segments must have their index at the front
 *       (faststart) or FFmpeg decodes nothing ("partial file"); {@code .wav} segments are refused.
 *       {@link #m4a(String)} and {@link #mp3(String)} work.</li>
 *   <li>ffconcat: FFmpeg's concat demuxer runs in safe mode when probed, which refuses absolute paths, URLs and any
 *       path component starting with a dot ({@code ..}). So the secret must lie in this fixture's directory or below
 *       it, with a name of letters, digits, {@code _ - .} only; any media type works.</li>
 * </ul>
 */
public final class TestMedia {

    /** About 5 seconds of speech with espeak-ng's default English voice. */
    public static final String SENTENCE =
            "The quick brown fox jumps over the lazy dog while the scribe copies every word into the ledger.";

    /** Segment extensions FFmpeg's DASH demuxer accepts for local files (its {@code allowed_extensions}). */
    public static final String DASH_SEGMENT_EXTENSIONS = "aac,m4a,m4s,m4v,mov,mp4,webm,ts";

    /** Extensions FFmpeg's HLS demuxer accepts for local segments, less {@code wav} (refused as a segment). */
    public static final String HLS_SEGMENT_EXTENSIONS =
            "3gp,aac,avi,flac,mkv,m4a,m4s,m4v,mpg,mov,mp2,mp3,mp4,mpeg,mpegts,ogg,ogv,oga,ts,vob";

    /** Duration of the clip that {@link #truncatedMp4()} cuts in half. */
    public static final double TRUNCATED_SOURCE_SECONDS = 20.0;

    private static final int STDERR_TAIL_CHARS = 3000;
    private static final Pattern SAFE_CONCAT_COMPONENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]*");

    /** Common ffmpeg flags: quiet, never read stdin, overwrite, reproducible output without metadata. */
    private static final List<String> FFMPEG_PREFIX = List.of("-hide_banner", "-nostdin", "-loglevel", "error", "-y");
    private static final List<String> BITEXACT = List.of(
            "-map_metadata", "-1", "-map_chapters", "-1",
            "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact");

    /** H.264 for the small clips: fast, small, 4:2:0 so every decoder takes it. */
    private static final List<String> H264 = List.of(
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "10", "-crf", "30");

    private final Path dir;
    private final String ffmpeg;
    private final String espeak;
    private final Duration timeout;

    public TestMedia(Path dir) {
        this(dir, System.getProperty("testmedia.ffmpeg", "ffmpeg"), System.getProperty("testmedia.espeak", "espeak-ng"),
                Duration.ofSeconds(60));
    }

    /** For the fixture's own tests: other tool binaries and another per-command timeout. */
    TestMedia(Path dir, String ffmpeg, String espeak, Duration timeout) {
        this.dir = dir.toAbsolutePath().normalize();
        this.ffmpeg = ffmpeg;
        this.espeak = espeak;
        this.timeout = timeout;
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + this.dir, e);
        }
    }

    /** The directory this fixture writes into (absolute, normalized). */
    public Path dir() {
        return dir;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Plain audio

    /** {@link #SENTENCE} spoken by espeak-ng: 16-bit PCM WAV, 22050 Hz mono, about 5 s. */
    public Path speechWav() {
        return speechWav(SENTENCE);
    }

    /** {@code text} spoken by espeak-ng ({@code espeak-ng -v en -w out.wav}): 16-bit PCM WAV, 22050 Hz mono. */
    public Path speechWav(String text) {
        return produce("speech", "wav", out -> speak(text, out));
    }

    /** {@link #SENTENCE} as 16-bit PCM WAV, 44100 Hz mono (unlike {@link #speechWav()}, made by ffmpeg). */
    public Path wav() {
        return wav(SENTENCE);
    }

    public Path wav(String text) {
        return fromSpeech(text, "audio", "wav", List.of("-c:a", "pcm_s16le", "-ar", "44100", "-ac", "1"));
    }

    /** {@link #SENTENCE} as MP3 (libmp3lame, 44100 Hz mono, 48 kbit/s). */
    public Path mp3() {
        return mp3(SENTENCE);
    }

    public Path mp3(String text) {
        return fromSpeech(text, "audio", "mp3",
                List.of("-c:a", "libmp3lame", "-b:a", "48k", "-ar", "44100", "-ac", "1"));
    }

    /**
     * {@link #SENTENCE} as audio-only AAC in MP4 ({@code .m4a}), index at the front. The recommended "secret" for the
     * hostile fixtures: DASH, HLS and ffconcat all decode it.
     */
    public Path m4a() {
        return m4a(SENTENCE);
    }

    public Path m4a(String text) {
        return fromSpeech(text, "audio", "m4a",
                List.of("-c:a", "aac", "-b:a", "48k", "-ar", "44100", "-ac", "1", "-movflags", "+faststart"));
    }

    /** A 440 Hz sine, 16-bit PCM WAV, 16 kHz mono. */
    public Path tone(double seconds) {
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("seconds must be positive: " + seconds);
        }
        return produce("tone", "wav", out -> {
            List<String> args = new ArrayList<>(List.of(
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=" + seconds(seconds),
                    "-c:a", "pcm_s16le"));
            args.addAll(BITEXACT);
            args.add(out.toString());
            ffmpeg(args, timeout);
        });
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Video

    /** {@link #SENTENCE} with a 160x120, 5 fps test picture: MP4, H.264 + AAC (48 kHz stereo), faststart. */
    public Path mp4H264Aac() {
        return mp4H264Aac(SENTENCE);
    }

    public Path mp4H264Aac(String text) {
        return speechVideo(text, "mp4", H264, List.of("-c:a", "aac", "-b:a", "64k", "-ar", "48000", "-ac", "2"),
                List.of("-movflags", "+faststart"));
    }

    /** {@link #SENTENCE} with a 160x120, 5 fps test picture: WebM, VP9 + Opus (48 kHz stereo). */
    public Path webmVp9Opus() {
        return webmVp9Opus(SENTENCE);
    }

    public Path webmVp9Opus(String text) {
        return speechVideo(text, "webm",
                List.of("-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "100k",
                        "-g", "10", "-pix_fmt", "yuv420p"),
                List.of("-c:a", "libopus", "-b:a", "32k", "-ar", "48000", "-ac", "2"),
                List.of());
    }

    /** {@link #SENTENCE} with a 160x120, 5 fps test picture: Matroska, H.264 + AAC (44.1 kHz mono). */
    public Path mkvH264Aac() {
        return mkvH264Aac(SENTENCE);
    }

    public Path mkvH264Aac(String text) {
        return speechVideo(text, "mkv", H264, List.of("-c:a", "aac", "-b:a", "48k", "-ar", "44100", "-ac", "1"),
                List.of());
    }

    /** A 160x120, 5 fps, 3 s H.264 MP4 with no audio stream at all. */
    public Path videoWithoutAudio() {
        return produce("silent-video", "mp4", out -> {
            List<String> args = new ArrayList<>(List.of(
                    "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=5:duration=3", "-an"));
            args.addAll(H264);
            args.addAll(List.of("-movflags", "+faststart"));
            args.addAll(BITEXACT);
            args.add(out.toString());
            ffmpeg(args, timeout);
        });
    }

    /**
     * {@code seconds} of H.264 + AAC in MP4 for benchmarks: a 64x48, 1 fps plain picture and {@link #SENTENCE} looped
     * without pause (AAC 22050 Hz mono 32 kbit/s, encoded once and stream-copied for every repetition), faststart.
     * About 4 KB per second of media; 600 s take about 0.3 s to make.
     */
    public Path longVideo(int seconds) {
        if (seconds <= 0) {
            throw new IllegalArgumentException("seconds must be positive: " + seconds);
        }
        Path speech = tempSpeech(SENTENCE);
        Path aac = tempFile(".m4a");
        try {
            List<String> encode = new ArrayList<>(List.of("-i", speech.toString(),
                    "-c:a", "aac", "-b:a", "32k", "-ar", "22050", "-ac", "1"));
            encode.addAll(BITEXACT);
            encode.add(aac.toString());
            ffmpeg(encode, timeout);
            return produce("long-" + seconds + "s", "mp4", out -> {
                List<String> args = new ArrayList<>(List.of(
                        "-f", "lavfi", "-i", "color=c=0x445566:size=64x48:rate=1:duration=" + seconds,
                        "-stream_loop", "-1", "-i", aac.toString(),
                        "-map", "0:v:0", "-map", "1:a:0", "-t", Integer.toString(seconds),
                        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage", "-pix_fmt", "yuv420p",
                        "-g", "30", "-c:a", "copy", "-movflags", "+faststart"));
                args.addAll(BITEXACT);
                args.add(out.toString());
                ffmpeg(args, timeout.plusSeconds(seconds / 10));
            });
        } finally {
            deleteQuietly(speech);
            deleteQuietly(aac);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Complete files whose streams differ in length

    /** How long {@link #SENTENCE} lasts as espeak-ng says it (the audio span of the fixtures below). */
    public double sentenceSeconds() {
        Path speech = tempSpeech(SENTENCE);
        try {
            return wavSeconds(speech);
        } finally {
            deleteQuietly(speech);
        }
    }

    /**
     * {@link #SENTENCE} with a picture that goes on {@code extraSeconds} after the speech ends (a silent outro, a
     * microphone that stopped first): MP4, H.264 + AAC, faststart. The container's duration is the picture's.
     */
    public Path mp4AudioEndingBeforePicture(double extraSeconds) {
        return unevenVideo("audio-ends-first", "mp4", sentenceSeconds() + extraSeconds, 0,
                List.of("-c:a", "aac", "-b:a", "64k", "-ar", "44100", "-ac", "1"), List.of("-movflags", "+faststart"));
    }

    /** As {@link #mp4AudioEndingBeforePicture}, as Matroska with H.264 + FLAC (no per-stream durations). */
    public Path mkvFlacAudioEndingBeforePicture(double extraSeconds) {
        return unevenVideo("audio-ends-first", "mkv", sentenceSeconds() + extraSeconds, 0,
                List.of("-c:a", "flac", "-ar", "44100", "-ac", "1"), List.of());
    }

    /**
     * {@link #SENTENCE} starting {@code delaySeconds} into a picture that lasts until the speech ends
     * ({@code -itsoffset}): MP4, H.264 + AAC, faststart.
     */
    public Path mp4WithLateAudio(double delaySeconds) {
        return unevenVideo("late-audio", "mp4", delaySeconds + sentenceSeconds(), delaySeconds,
                List.of("-c:a", "aac", "-b:a", "64k", "-ar", "44100", "-ac", "1"), List.of("-movflags", "+faststart"));
    }

    /** {@link #SENTENCE} with a picture of only {@code pictureSeconds}: MP4, H.264 + AAC, faststart. */
    public Path mp4PictureShorterThanAudio(double pictureSeconds) {
        return unevenVideo("short-picture", "mp4", pictureSeconds, 0,
                List.of("-c:a", "aac", "-b:a", "64k", "-ar", "44100", "-ac", "1"), List.of("-movflags", "+faststart"));
    }

    /**
     * A Matroska file (H.264 + FLAC) of {@link #TRUNCATED_SOURCE_SECONDS} seconds cut to half its bytes. Matroska
     * declares no per-stream durations, so only how far its packets reach tells that it is cut off.
     */
    public Path truncatedMkv() {
        return truncated("mkv", List.of("-c:a", "flac", "-ar", "44100", "-ac", "1"));
    }

    /**
     * A faststart MP4 (index at the front) of {@link #TRUNCATED_SOURCE_SECONDS} seconds (speech looped, 160x120 5 fps
     * picture, H.264 + AAC), cut to half its bytes. It opens (the container still says 20 s) and decodes without
     * error, but only to about half that length.
     */
    public Path truncatedMp4() {
        return truncated("mp4", List.of("-c:a", "aac", "-b:a", "64k", "-ar", "44100", "-ac", "1",
                "-movflags", "+faststart"));
    }

    /** {@link #TRUNCATED_SOURCE_SECONDS} of looped speech with a picture, in {@code ext}, cut to half its bytes. */
    private Path truncated(String ext, List<String> audioAndMuxer) {
        Path speech = tempSpeech(SENTENCE);
        Path full = tempFile("." + ext);
        try {
            List<String> args = new ArrayList<>(List.of(
                    "-f", "lavfi",
                    "-i", "testsrc2=size=160x120:rate=5:duration=" + seconds(TRUNCATED_SOURCE_SECONDS),
                    "-stream_loop", "-1", "-i", speech.toString(),
                    "-map", "0:v:0", "-map", "1:a:0", "-t", seconds(TRUNCATED_SOURCE_SECONDS)));
            args.addAll(H264);
            args.addAll(audioAndMuxer);
            args.addAll(BITEXACT);
            args.add(full.toString());
            ffmpeg(args, timeout);
            byte[] bytes = readAllBytes(full);
            return produce("truncated", ext, out -> write(out, Arrays.copyOf(bytes, bytes.length / 2)));
        } finally {
            deleteQuietly(speech);
            deleteQuietly(full);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Not media

    /** A plain UTF-8 text file named {@code notes.mp4}. */
    public Path textFileNamedMp4() {
        return produce("notes", "mp4", out -> write(out,
                "Meeting notes\n\n- This is a plain text file, not a video.\n- It only has an .mp4 name.\n"));
    }

    /** An empty file with exactly this name; fails if it exists already. */
    public Path emptyFile(String name) {
        Path out = dir.resolve(name).normalize();
        if (!out.getParent().equals(dir)) {
            throw new IllegalArgumentException("not a plain file name: " + name);
        }
        try {
            return Files.createFile(out);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException("exists already: " + out, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Hostile fixtures

    /**
     * A DASH manifest (MPD, static, one audio representation) saved as {@code video.mp4}, whose only segment is the
     * absolute path of {@code secret}. FFmpeg's probe picks the DASH demuxer from the content (score 100 beats the
     * .mp4 extension) and decodes {@code secret}. The manifest declares 30 s, whatever the secret's length.
     *
     * @param secret an existing local file with an extension from {@link #DASH_SEGMENT_EXTENSIONS}, preferably
     *               audio-only such as {@link #m4a(String)}
     */
    public Path dashManifestNamedMp4(Path secret) {
        Path target = existingSecret(secret);
        requireExtension(target, DASH_SEGMENT_EXTENSIONS, "DASH");
        return produce("video", "mp4", out -> write(out, """
                <?xml version="1.0" encoding="UTF-8"?>
                <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011"
                     type="static" mediaPresentationDuration="PT30S" minBufferTime="PT1S">
                  <Period>
                    <AdaptationSet mimeType="audio/mp4" contentType="audio">
                      <Representation id="audio" bandwidth="64000" codecs="mp4a.40.2" audioSamplingRate="44100">
                        <BaseURL>%s</BaseURL>
                      </Representation>
                    </AdaptationSet>
                  </Period>
                </MPD>
                """.formatted(xmlEscape(target.toString()))));
    }

    /**
     * An ffconcat list ({@code ffconcat version 1.0}) saved as {@code video.mp4} with one entry: {@code secret}, as a
     * path relative to this fixture's directory. FFmpeg probes it as the concat demuxer and decodes {@code secret}.
     *
     * @param secret an existing file inside {@link #dir()} (or below), every path component made of letters, digits,
     *               {@code _ - .} and not starting with a dot: the probed concat demuxer runs in safe mode and
     *               refuses anything else ("Unsafe file name"), absolute paths included
     */
    public Path ffconcatNamedMp4(Path secret) {
        Path target = existingSecret(secret);
        if (!target.startsWith(dir)) {
            throw new IllegalArgumentException("FFmpeg's concat demuxer (safe mode) only reaches files inside "
                    + dir + ", not " + target);
        }
        Path relative = dir.relativize(target);
        for (Path component : relative) {
            if (!SAFE_CONCAT_COMPONENT.matcher(component.toString()).matches()) {
                throw new IllegalArgumentException("FFmpeg's concat demuxer (safe mode) refuses the path component '"
                        + component + "' of " + relative + ": use letters, digits, _ - . only, no leading dot");
            }
        }
        String entry = relative.toString().replace('\\', '/');
        return produce("video", "mp4", out -> write(out, "ffconcat version 1.0\nfile " + entry + "\n"));
    }

    /**
     * An HLS media playlist {@code playlist.m3u8} (VOD, one 30 s segment) whose segment is the absolute path of
     * {@code secret}. FFmpeg's HLS demuxer decodes {@code secret}.
     *
     * @param secret an existing local file with an extension from {@link #HLS_SEGMENT_EXTENSIONS}; MP4-family files
     *               must be faststart ({@link #m4a(String)}, {@link #mp4H264Aac(String)}) and {@link #mp3(String)}
     *               work
     */
    public Path hlsPlaylistPointingAt(Path secret) {
        Path target = existingSecret(secret);
        requireExtension(target, HLS_SEGMENT_EXTENSIONS, "HLS");
        return produce("playlist", "m3u8", out -> write(out, """
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-PLAYLIST-TYPE:VOD
                #EXT-X-TARGETDURATION:30
                #EXT-X-MEDIA-SEQUENCE:0
                #EXTINF:30.0,
                %s
                #EXT-X-ENDLIST
                """.formatted(target)));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Internals

    /** A speech track muxed with a 160x120, 5 fps testsrc2 picture cut to the speech's length. */
    private Path speechVideo(String text, String ext, List<String> videoCodec, List<String> audioCodec,
                             List<String> muxer) {
        Path speech = tempSpeech(text);
        try {
            String length = seconds(wavSeconds(speech));
            return produce("video", ext, out -> {
                List<String> args = new ArrayList<>(List.of(
                        "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=5:duration=" + length,
                        "-i", speech.toString(),
                        "-map", "0:v:0", "-map", "1:a:0", "-t", length));
                args.addAll(videoCodec);
                args.addAll(audioCodec);
                args.addAll(muxer);
                args.addAll(BITEXACT);
                args.add(out.toString());
                ffmpeg(args, timeout);
            });
        } finally {
            deleteQuietly(speech);
        }
    }

    /** {@link #SENTENCE} delayed by {@code audioDelay}, muxed with a picture of {@code pictureSeconds}. */
    private Path unevenVideo(String base, String ext, double pictureSeconds, double audioDelay, List<String> audioCodec,
                             List<String> muxer) {
        Path speech = tempSpeech(SENTENCE);
        try {
            return produce(base, ext, out -> {
                List<String> args = new ArrayList<>(List.of(
                        "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=5:duration=" + seconds(pictureSeconds),
                        "-itsoffset", seconds(audioDelay), "-i", speech.toString(),
                        "-map", "0:v:0", "-map", "1:a:0"));
                args.addAll(H264);
                args.addAll(audioCodec);
                args.addAll(muxer);
                args.addAll(BITEXACT);
                args.add(out.toString());
                ffmpeg(args, timeout);
            });
        } finally {
            deleteQuietly(speech);
        }
    }

    private Path fromSpeech(String text, String base, String ext, List<String> codec) {
        Path speech = tempSpeech(text);
        try {
            return produce(base, ext, out -> {
                List<String> args = new ArrayList<>(List.of("-i", speech.toString(), "-vn"));
                args.addAll(codec);
                args.addAll(BITEXACT);
                args.add(out.toString());
                ffmpeg(args, timeout);
            });
        } finally {
            deleteQuietly(speech);
        }
    }

    private Path tempSpeech(String text) {
        Path wav = tempFile(".wav");
        try {
            speak(text, wav);
            return wav;
        } catch (RuntimeException e) {
            deleteQuietly(wav);
            throw e;
        }
    }

    private void speak(String text, Path out) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("nothing to say");
        }
        run(List.of(espeak, "-v", "en", "-w", out.toString(), "--stdin"), text, timeout);
    }

    private void ffmpeg(List<String> args, Duration timeout) {
        List<String> command = new ArrayList<>();
        command.add(ffmpeg);
        command.addAll(FFMPEG_PREFIX);
        command.addAll(args);
        run(command, null, timeout);
    }

    /** Runs a tool to its end, or throws with its exit status and the tail of its output. */
    static void run(List<String> command, String stdin, Duration timeout) {
        long start = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + " (install the Debian packages ffmpeg "
                    + "and espeak-ng, or set -Dtestmedia.ffmpeg / -Dtestmedia.espeak): " + e.getMessage(), e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> copy(process.getInputStream(), output), "testmedia-drain");
        drain.setDaemon(true);
        drain.start();
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the tool exited early; its exit status and output tell why
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                drain.join(1000);
                throw new IllegalStateException(String.format(Locale.ROOT, "%s timed out after %.1f s and was killed: %s%n%s",
                        command.get(0), timeout.toMillis() / 1000.0, String.join(" ", command), tail(output)));
            }
            drain.join(5000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s failed with exit status %d after %.1f s: %s%n%s",
                    command.get(0), process.exitValue(), (System.nanoTime() - start) / 1e9,
                    String.join(" ", command), tail(output)));
        }
    }

    private static void copy(InputStream from, ByteArrayOutputStream to) {
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = from.read(buffer)) >= 0; ) {
                synchronized (to) {
                    to.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            // process gone
        }
    }

    private static String tail(ByteArrayOutputStream output) {
        String text;
        synchronized (output) {
            text = output.toString(StandardCharsets.UTF_8);
        }
        if (text.isBlank()) {
            return "--- no output ---";
        }
        return "--- output tail ---\n" + (text.length() > STDERR_TAIL_CHARS
                ? "..." + text.substring(text.length() - STDERR_TAIL_CHARS) : text);
    }

    /** Claims a new file in dir, lets {@code body} fill it, and removes it again if that fails. */
    private Path produce(String base, String ext, Consumer<Path> body) {
        Path out = newFile(base, ext);
        try {
            body.accept(out);
            return out;
        } catch (RuntimeException | Error e) {
            deleteQuietly(out);
            throw e;
        }
    }

    private Path newFile(String base, String ext) {
        return newFile(dir, base, ext);
    }

    /** Claims a new file name in dir: base.ext, base-2.ext, base-3.ext, ... (atomically, safe across threads). */
    static Path newFile(Path dir, String base, String ext) {
        for (int i = 1; ; i++) {
            Path candidate = dir.resolve(i == 1 ? base + "." + ext : base + "-" + i + "." + ext);
            try {
                return Files.createFile(candidate);
            } catch (FileAlreadyExistsException e) {
                // try the next number
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static Path tempFile(String suffix) {
        try {
            return Files.createTempFile("testmedia-", suffix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a temp file left behind is harmless
        }
    }

    private static void write(Path out, String content) {
        write(out, content.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(Path out, byte[] content) {
        try {
            Files.write(out, content, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readAllBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double wavSeconds(Path wav) {
        try {
            AudioFileFormat format = AudioSystem.getAudioFileFormat(wav.toFile());
            double seconds = format.getFrameLength() / (double) format.getFormat().getFrameRate();
            if (!(seconds > 0 && seconds < 3600)) {
                throw new IllegalStateException("implausible length " + seconds + " s of " + wav);
            }
            return seconds;
        } catch (UnsupportedAudioFileException | IOException e) {
            throw new IllegalStateException("cannot read the length of " + wav, e);
        }
    }

    private static Path existingSecret(Path secret) {
        Path target = secret.toAbsolutePath().normalize();
        if (!Files.isRegularFile(target)) {
            throw new IllegalArgumentException("no such file: " + target);
        }
        return target;
    }

    private static void requireExtension(Path file, String extensions, String format) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (!Set.of(extensions.split(",")).contains(ext)) {
            throw new IllegalArgumentException("FFmpeg's " + format + " demuxer refuses local segments named '"
                    + name + "'; use one of: " + extensions);
        }
    }

    private static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.3f", seconds);
    }
}
