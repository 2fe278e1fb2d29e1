package dev.scriptorium.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An audio file made at test time with speech at known places and non-speech (silence, pink noise, a sine melody)
 * everywhere else: ground truth for measuring a voice activity detector (Silero VAD) and input for pipeline tests.
 *
 * <pre>{@code
 * SpeechScene scene = SpeechScene.builder()
 *         .silence(3.0)
 *         .speech("Some sentence to say.")
 *         .pinkNoise(10.0, -30)
 *         .melody(10.0)
 *         .speech("Another sentence.")
 *         .build(dir);                  // dir/scene.wav, 16 kHz mono 16-bit PCM
 * scene.speechSpans();                  // where the voice is, in seconds
 * }</pre>
 *
 * <p><b>How it is made.</b> Each distinct sentence is spoken once by {@code espeak-ng -v en} and resampled once by
 * {@code ffmpeg} to 16 kHz; its samples are kept for the rest of the JVM's life, so a second scene with the same
 * sentences calls no tool at all. Everything else happens in Java on a float sample array: espeak's own leading and
 * trailing silence is cut off (first and last sample above {@value #TRIM_THRESHOLD} of full scale), so a speech span
 * starts at the first audible sample and ends after the last one; pink noise (Paul Kellet's filter over seeded
 * Gaussian white noise) and the melody are synthesised; the WAV header is written by hand. A 10-minute scene takes
 * well under a second once its sentences are spoken. With the same recipe and seed the file is the same bit for bit
 * (for a given espeak-ng/ffmpeg version).
 *
 * <p><b>Levels</b> are RMS in dBFS relative to a full-scale square wave (1.0), so a full-scale sine is -3 dBFS.
 * espeak-ng's speech is taken as it comes, about -20 dBFS RMS with peaks near -2 dBFS.
 *
 * <p><b>Silence is not digital zero.</b> Under the whole scene, speech included, lies a white-noise floor of
 * {@value #DEFAULT_NOISE_FLOOR_DBFS} dBFS (about 10 LSB RMS), as any real recording has; a detector that only works
 * on exact zeros would otherwise look better than it is. {@link Builder#noiseFloor(double)} changes it
 * ({@code Double.NEGATIVE_INFINITY} gives true digital silence).
 *
 * <p><b>The melody</b> ({@link Builder#melody(double)}) is music-like but trivially not speech: pure sine notes of
 * {@value #NOTE_SECONDS} s from the A minor pentatonic scale between 220 and 880 Hz, in a seeded random walk, each
 * with 10 ms raised-cosine fades, at {@value #MELODY_DBFS} dBFS unless told otherwise.
 *
 * <p>All failures are unchecked, as in {@link TestMedia}: a failing or hanging tool gives an
 * {@link IllegalStateException} naming the command, its exit status and the tail of its output. The tools' paths can
 * be overridden with the same system properties as {@link TestMedia}: {@code testmedia.ffmpeg} and
 * {@code testmedia.espeak}.
 */
public final class SpeechScene {

    public static final int SAMPLE_RATE = 16_000;
    public static final double DEFAULT_NOISE_FLOOR_DBFS = -70;
    public static final double MELODY_DBFS = -12;
    public static final double NOTE_SECONDS = 0.25;
    /** The seed of every scene unless {@link Builder#seed(long)} says otherwise. */
    public static final long DEFAULT_SEED = 20_240_917L;
    /** Amplitude (fraction of full scale) below which espeak's leading and trailing samples count as silence. */
    public static final double TRIM_THRESHOLD = 0.001;

    /**
     * Varied English sentences, 3 to 5 s each as espeak-ng says them;
     * {@link #allSpeech} and {@link #halfSpeech} use them in turn.
     */
    public static final List<String> SENTENCES = List.of(
            "The committee will meet again on Thursday to review the budget for next year.",
            "Please remember to bring your notebook, a pencil, and something to drink.",
            "When the rain finally stopped, the children ran outside to play in the puddles.",
            "Our train leaves at half past seven, so we should get to the station early.",
            "She opened the old wooden box and found a stack of letters tied with string.",
            "Honestly, I think the second option is cheaper, but the first one looks better.",
            "The library closes at nine o'clock on weekdays and at five on Saturdays.",
            "Could you tell me how far it is from here to the nearest hospital?");

    /** What a part of the scene holds. */
    public enum Kind { SPEECH, SILENCE, PINK_NOISE, MELODY }

    /** A stretch of the scene, in seconds from its start; {@code end} is exclusive. */
    public record Span(double start, double end) {
        public Span {
            if (!(start >= 0 && end >= start)) {
                throw new IllegalArgumentException("not a span: " + start + " .. " + end);
            }
        }

        public double length() {
            return end - start;
        }

        public boolean contains(double seconds) {
            return seconds >= start && seconds < end;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.3f-%.3f s", start, end);
        }
    }

    /** One part of the scene: its kind, where it lies, and for speech the sentence spoken (otherwise null). */
    public record Part(Kind kind, Span span, String text) {
        public Part {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(span, "span");
        }

        public double start() {
            return span.start();
        }

        public double end() {
            return span.end();
        }

        public double length() {
            return span.length();
        }
    }

    private static final double PAUSE_SECONDS = 0.3;
    /** The shortest piece of a sentence that {@link #allSpeech} and {@link #halfSpeech} leave at the end. */
    private static final double MIN_CUT_SENTENCE_SECONDS = 1.0;
    private static final double FADE_SECONDS = 0.01;
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);
    /** A minor pentatonic, A3 to A5. */
    private static final double[] SCALE_HZ = {
            220.00, 261.63, 293.66, 329.63, 392.00, 440.00, 523.25, 587.33, 659.26, 783.99, 880.00};
    /** espeak-ng's sentences at 16 kHz, trimmed, by text: spoken once per JVM. */
    private static final Map<String, float[]> CLIPS = new ConcurrentHashMap<>();

    private final Path wav;
    private final int samples;
    private final List<Part> parts;

    private SpeechScene(Path wav, int samples, List<Part> parts) {
        this.wav = wav;
        this.samples = samples;
        this.parts = List.copyOf(parts);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@code seconds} of speech: {@link #SENTENCES} in turn, separated by pauses of 0.2 to 0.4 s (seeded), the last
     * sentence cut off where the scene ends; where less than {@value #MIN_CUT_SENTENCE_SECONDS} s would be left for it,
     * the scene ends in silence instead (no unrecognisable sliver of speech at the end). Written as
     * {@code dir/scene.wav} (or {@code scene-2.wav}, ...).
     */
    public static SpeechScene allSpeech(Path dir, double seconds) {
        int total = samples(seconds, "seconds");
        Random random = new Random(DEFAULT_SEED);
        Builder builder = builder();
        int at = 0;
        for (int i = 0; at < total; i++) {
            int pause = i == 0 ? 0 : (int) Math.round((0.2 + 0.2 * random.nextDouble()) * SAMPLE_RATE);
            if (i > 0 && tooLittleLeftForSpeech(total - at - pause)) {
                builder.silence((total - at) / (double) SAMPLE_RATE);
                break;
            }
            if (pause > 0) {
                builder.silence(pause / (double) SAMPLE_RATE);
                at += pause;
            }
            String sentence = SENTENCES.get(i % SENTENCES.size());
            builder.speech(sentence);
            at += clip(sentence).length;
        }
        return builder.cutAt(total).build(dir);
    }

    /**
     * {@code seconds} of alternating speech and non-speech, about half of each. A speech block aims at a seeded 15 to
     * 25 s: {@link #SENTENCES} in turn, 0.3 s apart, ending at the sentence boundary nearest that aim. The
     * non-speech block after it is as long as speech is ahead so far (pauses count as non-speech), kept within 15 to
     * 25 s; its kind cycles silence, pink noise at -30 dBFS, melody. The scene starts with speech and is cut off at
     * {@code seconds} (as {@link #allSpeech} is), so the share is 0.5 give or take part of a block: 0.49 to 0.56 for
     * 120 s and longer, 0.506 for 600 s.
     */
    public static SpeechScene halfSpeech(Path dir, double seconds) {
        int total = samples(seconds, "seconds");
        int pause = (int) Math.round(PAUSE_SECONDS * SAMPLE_RATE);
        Random random = new Random(DEFAULT_SEED);
        Builder builder = builder();
        int at = 0;
        long ahead = 0; // speech samples minus non-speech samples so far
        int sentence = 0;
        int nonSpeech = 0;
        for (boolean speech = true; at < total; speech = !speech) {
            if (speech) {
                int blockEnd = at + (int) Math.round((15 + 10 * random.nextDouble()) * SAMPLE_RATE);
                for (boolean first = true; at < total; first = false) {
                    int next = clip(SENTENCES.get(sentence % SENTENCES.size())).length;
                    if (!first && Math.abs(at + pause + next - blockEnd) > Math.abs(at - blockEnd)) {
                        break; // this sentence would take the block further from its aim
                    }
                    if (tooLittleLeftForSpeech(total - at - (first ? 0 : pause))) {
                        builder.silence((total - at) / (double) SAMPLE_RATE);
                        at = total;
                        break;
                    }
                    if (!first) {
                        builder.silence(PAUSE_SECONDS);
                        at += pause;
                        ahead -= pause;
                    }
                    builder.speech(SENTENCES.get(sentence++ % SENTENCES.size()));
                    at += next;
                    ahead += next;
                }
            } else {
                int block = (int) Math.max(15 * SAMPLE_RATE, Math.min(25 * SAMPLE_RATE, ahead));
                double length = block / (double) SAMPLE_RATE;
                switch (nonSpeech++ % 3) {
                    case 0 -> builder.silence(length);
                    case 1 -> builder.pinkNoise(length, -30);
                    default -> builder.melody(length);
                }
                at += block;
                ahead -= block;
            }
        }
        return builder.cutAt(total).build(dir);
    }

    /** The WAV file: 16 kHz mono 16-bit PCM. */
    public Path wav() {
        return wav;
    }

    /** Length of the file. */
    public double seconds() {
        return samples / (double) SAMPLE_RATE;
    }

    /** Every part, in order, back to back from 0 to {@link #seconds()}. */
    public List<Part> parts() {
        return parts;
    }

    /** Where each spoken sentence has signal, in order, one span per sentence. */
    public List<Span> speechSpans() {
        return parts.stream().filter(p -> p.kind() == Kind.SPEECH).map(Part::span).toList();
    }

    /**
     * {@link #speechSpans()} with every gap of at most {@code mergeGapsUpTo} seconds closed: {@code speechSpans(0.5)}
     * makes each block of sentences with short pauses one span, as a VAD with a minimum silence length would.
     */
    public List<Span> speechSpans(double mergeGapsUpTo) {
        List<Span> merged = new ArrayList<>();
        for (Span span : speechSpans()) {
            int last = merged.size() - 1;
            if (last >= 0 && span.start() - merged.get(last).end() <= mergeGapsUpTo) {
                merged.set(last, new Span(merged.get(last).start(), span.end()));
            } else {
                merged.add(span);
            }
        }
        return List.copyOf(merged);
    }

    /** The parts without speech (pauses between sentences included, as {@link Kind#SILENCE}), in order. */
    public List<Part> nonSpeechSpans() {
        return parts.stream().filter(p -> p.kind() != Kind.SPEECH).toList();
    }

    /** Total length of {@link #speechSpans()}. */
    public double speechSeconds() {
        return speechSpans().stream().mapToDouble(Span::length).sum();
    }

    /** Whether the moment {@code seconds} lies in a speech span: the ground truth for frame-by-frame scoring. */
    public boolean speechAt(double seconds) {
        for (Span span : speechSpans()) {
            if (span.contains(seconds)) {
                return true;
            }
            if (span.start() > seconds) {
                return false;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SpeechScene[%s, %.3f s, %.3f s speech in %d sentences, %d parts]",
                wav.getFileName(), seconds(), speechSeconds(), speechSpans().size(), parts.size());
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Collects the parts in order; {@link #build(Path)} renders and writes them. */
    public static final class Builder {

        private record Step(Kind kind, int samples, double dbfs, String text) {
        }

        private final List<Step> steps = new ArrayList<>();
        private long seed = DEFAULT_SEED;
        private double noiseFloorDbfs = DEFAULT_NOISE_FLOOR_DBFS;
        private int cutAt = Integer.MAX_VALUE;

        private Builder() {
        }

        /** {@code seconds} of nothing but the noise floor. */
        public Builder silence(double seconds) {
            steps.add(new Step(Kind.SILENCE, samples(seconds, "silence"), Double.NaN, null));
            return this;
        }

        /** {@code text} spoken by espeak-ng, as long as it takes to say it (leading and trailing silence cut off). */
        public Builder speech(String text) {
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("nothing to say");
            }
            steps.add(new Step(Kind.SPEECH, -1, Double.NaN, text.strip()));
            return this;
        }

        /** {@code seconds} of pink noise at {@code dbfs} (RMS), e.g. -30 for a low hiss, -15 for loud rumble. */
        public Builder pinkNoise(double seconds, double dbfs) {
            steps.add(new Step(Kind.PINK_NOISE, samples(seconds, "pink noise"), level(dbfs), null));
            return this;
        }

        /** {@code seconds} of sine melody at {@value SpeechScene#MELODY_DBFS} dBFS. */
        public Builder melody(double seconds) {
            return melody(seconds, MELODY_DBFS);
        }

        /** {@code seconds} of sine melody at {@code dbfs} (RMS). */
        public Builder melody(double seconds, double dbfs) {
            steps.add(new Step(Kind.MELODY, samples(seconds, "melody"), level(dbfs), null));
            return this;
        }

        /** The white-noise floor under the whole scene; {@code Double.NEGATIVE_INFINITY} for digital silence. */
        public Builder noiseFloor(double dbfs) {
            if (!(dbfs <= 0) && dbfs != Double.NEGATIVE_INFINITY) {
                throw new IllegalArgumentException("noise floor must be at most 0 dBFS: " + dbfs);
            }
            noiseFloorDbfs = dbfs;
            return this;
        }

        /** Another seed for the noise floor, the pink noise and the melody (default {@link #DEFAULT_SEED}). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Ends the scene after {@code samples}, cutting off whatever part is playing then. */
        private Builder cutAt(int samples) {
            cutAt = samples;
            return this;
        }

        /**
         * Speaks what has not been spoken yet, renders the scene and writes it as {@code dir/scene.wav}, or
         * {@code scene-2.wav}, {@code scene-3.wav}, ... when that name is taken.
         */
        public SpeechScene build(Path dir) {
            if (steps.isEmpty()) {
                throw new IllegalStateException("an empty scene: add silence, speech, pinkNoise or melody first");
            }
            Map<String, float[]> clips = clips(steps.stream().map(Step::text).filter(Objects::nonNull).toList());

            List<Part> parts = new ArrayList<>();
            List<int[]> bounds = new ArrayList<>();
            int at = 0;
            for (Step step : steps) {
                if (at >= cutAt) {
                    break;
                }
                long length = step.kind() == Kind.SPEECH ? clips.get(step.text()).length : step.samples();
                int end = (int) Math.min(Math.min(at + length, cutAt), Integer.MAX_VALUE - 8);
                parts.add(new Part(step.kind(), new Span(at / (double) SAMPLE_RATE, end / (double) SAMPLE_RATE),
                        step.text()));
                bounds.add(new int[] {at, end});
                at = end;
            }
            int total = at;

            float[] audio = new float[total];
            if (noiseFloorDbfs != Double.NEGATIVE_INFINITY) {
                double rms = Math.pow(10, noiseFloorDbfs / 20);
                Random random = new Random(seed);
                for (int i = 0; i < total; i++) {
                    audio[i] = (float) (random.nextGaussian() * rms);
                }
            }
            for (int p = 0; p < parts.size(); p++) {
                Step step = steps.get(p);
                int from = bounds.get(p)[0];
                int to = bounds.get(p)[1];
                Random random = new Random(seed * 31 + p + 1);
                switch (step.kind()) {
                    case SPEECH -> add(audio, from, clips.get(step.text()), to - from);
                    case PINK_NOISE -> add(audio, from, renderPinkNoise(random, to - from, step.dbfs()), to - from);
                    case MELODY -> add(audio, from, renderMelody(random, to - from, step.dbfs()), to - from);
                    case SILENCE -> { }
                }
            }

            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dir, e);
            }
            Path out = TestMedia.newFile(dir, "scene", "wav");
            try {
                Files.write(out, wavBytes(audio));
            } catch (IOException e) {
                TestMedia.deleteQuietly(out);
                throw new UncheckedIOException("cannot write " + out, e);
            }
            return new SpeechScene(out, total, parts);
        }

        private static double level(double dbfs) {
            if (!(dbfs <= 0)) {
                throw new IllegalArgumentException("level must be at most 0 dBFS: " + dbfs);
            }
            return dbfs;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Synthesis

    private static void add(float[] audio, int from, float[] part, int length) {
        for (int i = 0; i < length; i++) {
            audio[from + i] += part[i];
        }
    }

    /** Paul Kellet's refined pink filter over Gaussian white noise, scaled to {@code dbfs} RMS, 10 ms fades. */
    private static float[] renderPinkNoise(Random random, int length, double dbfs) {
        double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
        int warmUp = SAMPLE_RATE; // let the slowest pole (0.99886) settle
        float[] out = new float[length];
        for (int i = -warmUp; i < length; i++) {
            double white = random.nextGaussian();
            b0 = 0.99886 * b0 + white * 0.0555179;
            b1 = 0.99332 * b1 + white * 0.0750759;
            b2 = 0.96900 * b2 + white * 0.1538520;
            b3 = 0.86650 * b3 + white * 0.3104856;
            b4 = 0.55000 * b4 + white * 0.5329522;
            b5 = -0.7616 * b5 - white * 0.0168980;
            double pink = b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362;
            b6 = white * 0.115926;
            if (i >= 0) {
                out[i] = (float) pink;
            }
        }
        double mean = 0;
        for (float x : out) {
            mean += x;
        }
        mean /= Math.max(1, length);
        double sum = 0;
        for (int i = 0; i < length; i++) {
            out[i] -= (float) mean;
            sum += out[i] * (double) out[i];
        }
        double rms = Math.sqrt(sum / Math.max(1, length));
        double gain = rms > 0 ? Math.pow(10, dbfs / 20) / rms : 0;
        for (int i = 0; i < length; i++) {
            out[i] = (float) (out[i] * gain * fade(i, length));
        }
        return out;
    }

    /** Sine notes of {@link #NOTE_SECONDS} in a random walk over {@link #SCALE_HZ}, 10 ms fades, {@code dbfs} RMS. */
    private static float[] renderMelody(Random random, int length, double dbfs) {
        double amplitude = Math.pow(10, dbfs / 20) * Math.sqrt(2);
        int note = (int) Math.round(NOTE_SECONDS * SAMPLE_RATE);
        float[] out = new float[length];
        int degree = 5; // A4
        for (int start = 0; start < length; start += note) {
            double hz = SCALE_HZ[degree];
            int end = Math.min(length, start + note);
            for (int i = start; i < end; i++) {
                double phase = 2 * Math.PI * hz * (i - start) / SAMPLE_RATE;
                out[i] = (float) (amplitude * fade(i - start, note) * Math.sin(phase));
            }
            int step = random.nextInt(5) - 2; // -2 .. +2 scale steps
            degree = Math.floorMod(degree + step, 2 * (SCALE_HZ.length - 1));
            degree = degree < SCALE_HZ.length ? degree : 2 * (SCALE_HZ.length - 1) - degree; // reflect at the ends
        }
        for (int i = 0; i < length; i++) {
            out[i] *= (float) fade(i, length); // a cut-off last note still ends softly
        }
        return out;
    }

    /** Raised-cosine gain for sample {@code i} of {@code length}: {@link #FADE_SECONDS} in and out, 1 between. */
    private static double fade(int i, int length) {
        int fade = (int) Math.min(FADE_SECONDS * SAMPLE_RATE, length / 2.0);
        if (fade <= 0) {
            return 1;
        }
        int edge = Math.min(i, length - 1 - i);
        return edge >= fade ? 1 : 0.5 - 0.5 * Math.cos(Math.PI * (edge + 0.5) / fade);
    }

    private static byte[] wavBytes(float[] audio) {
        int dataBytes = audio.length * 2;
        ByteBuffer buffer = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataBytes)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1) // PCM
                .putShort((short) 1) // mono
                .putInt(SAMPLE_RATE).putInt(SAMPLE_RATE * 2)
                .putShort((short) 2) // bytes per frame
                .putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
        for (float x : audio) {
            long s = Math.round(x * 32768.0);
            buffer.putShort((short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, s)));
        }
        return buffer.array();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Speech: espeak-ng once per sentence, ffmpeg to 16 kHz, trimmed, cached

    private static float[] clip(String text) {
        return clips(List.of(text)).get(text.strip());
    }

    /** The clips of these sentences, speaking the missing ones in parallel. */
    private static Map<String, float[]> clips(List<String> texts) {
        List<String> distinct = List.copyOf(new LinkedHashSet<>(texts.stream().map(String::strip).toList()));
        distinct.stream().filter(t -> !CLIPS.containsKey(t)).toList().parallelStream()
                .forEach(t -> CLIPS.putIfAbsent(t, speak(t)));
        Map<String, float[]> result = new ConcurrentHashMap<>();
        distinct.forEach(t -> result.put(t, CLIPS.get(t)));
        return result;
    }

    private static float[] speak(String text) {
        Path tmp;
        try {
            tmp = Files.createTempDirectory("speechscene-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path spoken = tmp.resolve("speech.wav");
        Path raw = tmp.resolve("speech.s16le");
        try {
            TestMedia.run(List.of(System.getProperty("testmedia.espeak", "espeak-ng"), "-v", "en", "-w",
                    spoken.toString(), "--stdin"), text, TOOL_TIMEOUT);
            TestMedia.run(List.of(System.getProperty("testmedia.ffmpeg", "ffmpeg"), "-hide_banner", "-nostdin",
                    "-loglevel", "error", "-y", "-i", spoken.toString(),
                    "-ac", "1", "-ar", Integer.toString(SAMPLE_RATE), "-f", "s16le", "-c:a", "pcm_s16le",
                    raw.toString()), null, TOOL_TIMEOUT);
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
            float[] samples = new float[bytes.remaining() / 2];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = bytes.getShort() / 32768f;
            }
            int first = 0;
            while (first < samples.length && Math.abs(samples[first]) <= TRIM_THRESHOLD) {
                first++;
            }
            int last = samples.length - 1;
            while (last >= first && Math.abs(samples[last]) <= TRIM_THRESHOLD) {
                last--;
            }
            if (last - first < SAMPLE_RATE / 10) {
                throw new IllegalStateException("espeak-ng said next to nothing (" + (last - first + 1)
                        + " audible samples) for: " + text);
            }
            float[] trimmed = new float[last - first + 1];
            System.arraycopy(samples, first, trimmed, 0, trimmed.length);
            return trimmed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            TestMedia.deleteQuietly(spoken);
            TestMedia.deleteQuietly(raw);
            TestMedia.deleteQuietly(tmp);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Plumbing (as in TestMedia)

    /** Whether a sentence cut off at the end of the scene after {@code samples} would be a mere sliver. */
    private static boolean tooLittleLeftForSpeech(int samples) {
        return samples < MIN_CUT_SENTENCE_SECONDS * SAMPLE_RATE;
    }

    private static int samples(double seconds, String what) {
        if (!(seconds > 0 && seconds <= 24 * 3600)) {
            throw new IllegalArgumentException(what + ": seconds must be positive: " + seconds);
        }
        return (int) Math.max(1, Math.round(seconds * SAMPLE_RATE));
    }

}
