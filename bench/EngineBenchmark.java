import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.whisper.SyntheticModel;
import dev.scriptorium.whisper.WhisperEngine;
import dev.scriptorium.whisper.WhisperSegment;
import dev.scriptorium.whisper.WhisperSettings;
import io.github.givimad.whisperjni.WhisperContext;
import io.github.givimad.whisperjni.WhisperFullParams;
import io.github.givimad.whisperjni.WhisperJNI;
import io.github.givimad.whisperjni.WhisperSamplingStrategy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * Whisper engine benchmark. Run with bench/engine.sh. On one synthetic tiny-dims model, one PCM and the same threads,
 * prints four pairs, each measured back to back in BENCH_ROUNDS alternating rounds:
 * - the JNA engine over whisper-jni's full() (what the binding costs);
 * - word timestamps on over off;
 * - beam search (5) over greedy;
 * - flash attention on over off.
 * Then the process's peak resident memory. Greedy, no timestamps, no temperature fallback unless a pair says
 * otherwise: with a synthetic model that decode is bounded and deterministic.
 */
public class EngineBenchmark {
    static final int THREADS = Integer.parseInt(System.getenv().getOrDefault("BENCH_THREADS", "2"));
    static final int SECONDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_SECONDS", "120"));
    static final int ROUNDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "3"));
    static final JobOptions WORDS_OFF = new JobOptions(Optional.of("en"), JobOptions.Task.TRANSCRIBE, false);
    static final JobOptions WORDS_ON = WORDS_OFF.withWordTimestamps(true);

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("scriptorium-engine-bench");
        Path model = work.resolve("synthetic-tiny.bin");
        SyntheticModel.write(model, SyntheticModel.Dims.TINY, 42, false);
        float[] audio = speech(work, SECONDS);
        System.out.printf(Locale.ROOT, "input: %d s of espeak-ng speech, 16 kHz mono f32; model: synthetic tiny dims;"
                + " threads: %d; cores: %d; rounds: %d%n", SECONDS, THREADS, Runtime.getRuntime().availableProcessors(),
                ROUNDS);

        WhisperSettings greedy = new WhisperSettings(model, THREADS, 300, false, false, 5);
        // One untimed 30 s window for every context once loaded: a context's first call pays for faulting in its
        // weights and buffers and for starting the OpenMP team, which would land on one side of a pair.
        float[] window = Arrays.copyOf(audio, Math.min(audio.length, 30 * 16000));
        WhisperJNI.loadLibrary();
        WhisperJNI jni = new WhisperJNI();
        // whisper-jni's context and ours are separate (they must never share one); each setting that whisper.cpp
        // fixes at load time (flash attention) needs an engine of its own. Only the contexts a pair compares are
        // loaded at a time, so that the peak RSS stays that of two. WhisperJNI loads first: the engine's copy of
        // libwhisper then shares its libggml (the loader matches the name), so both sides run the same ggml.
        try (WhisperEngine plain = WhisperEngine.load(greedy)) {
            run(plain, window, WORDS_OFF).call();
            try (WhisperContext jniContext = jni.init(model)) {
                WhisperFullParams jniParams = jniParams();
                List<String> jniText = new ArrayList<>();
                Callable<Integer> viaJni = () -> {
                    if (jni.full(jniContext, jniParams, audio, audio.length) != 0) {
                        throw new IllegalStateException("whisper-jni full() failed");
                    }
                    jniText.clear();
                    for (int i = 0; i < jni.fullNSegments(jniContext); i++) {
                        jniText.add(jni.fullGetSegmentText(jniContext, i));
                    }
                    return jniText.size();
                };
                jni.full(jniContext, jniParams, window, window.length);
                List<String> engineText = new ArrayList<>();
                Callable<Integer> viaEngine = () -> {
                    List<WhisperSegment> segments = plain.transcribe(audio, WORDS_OFF, p -> { }, () -> false);
                    engineText.clear();
                    segments.forEach(segment -> engineText.add(segment.text()));
                    return segments.size();
                };
                System.out.println("native libraries mapped: " + nativeLibraries());
                compare("JNA engine transcribe() / whisper-jni full() (words off)", "engine", viaEngine,
                        "whisper-jni", viaJni);
                System.out.println("  same text from both: " + (engineText.equals(jniText) ? "yes" : "NO"));
            }
            Callable<Integer> baseline = run(plain, audio, WORDS_OFF);
            compare("word timestamps on / off", "on", run(plain, audio, WORDS_ON), "off", baseline);
            try (WhisperEngine beam = WhisperEngine.load(greedy.withDecoding(
                    new WhisperSettings.Decoding(true, 5, false)))) {
                run(beam, window, WORDS_OFF).call();
                compare("beam search (5) / greedy", "beam", run(beam, audio, WORDS_OFF), "greedy", baseline);
            }
            try (WhisperEngine flash = WhisperEngine.load(greedy.withDecoding(
                    new WhisperSettings.Decoding(false, 5, true)))) {
                run(flash, window, WORDS_OFF).call();
                compare("flash attention on / off (CPU)", "on", run(flash, audio, WORDS_OFF), "off", baseline);
            }
        }
        System.out.println("peak RSS of this process (VmHWM): " + peakRss());
        try (var paths = Files.walk(work)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /**
     * Times {@code a} and {@code b} back to back, ROUNDS times, swapping which goes first every round: this machine's
     * speed drifts within minutes, and whichever runs second in a pair tends to find warmer caches.
     */
    static void compare(String title, String aName, Callable<Integer> a, String bName, Callable<Integer> b)
            throws Exception {
        System.out.println(title + ":");
        List<Double> ratios = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            boolean aFirst = round % 2 == 1;
            Timed first = time(aFirst ? a : b);
            Timed second = time(aFirst ? b : a);
            Timed aTimed = aFirst ? first : second;
            Timed bTimed = aFirst ? second : first;
            double ratio = aTimed.seconds() / bTimed.seconds();
            ratios.add(ratio);
            System.out.printf(Locale.ROOT, "  round %d (%s first): %s %.2f s (%d segments), %s %.2f s (%d segments),"
                    + " ratio %.3f%n", round, aFirst ? aName : bName, aName, aTimed.seconds(), aTimed.segments(),
                    bName, bTimed.seconds(), bTimed.segments(), ratio);
        }
        List<Double> sorted = ratios.stream().sorted().toList();
        int middle = sorted.size() / 2;
        double median = sorted.size() % 2 == 1 ? sorted.get(middle)
                : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
        System.out.printf(Locale.ROOT, "  median ratio %.3f (rounds: %s)%n", median,
                ratios.stream().map(r -> String.format(Locale.ROOT, "%.3f", r)).collect(Collectors.joining(", ")));
    }

    record Timed(double seconds, int segments) {
    }

    static Timed time(Callable<Integer> call) throws Exception {
        long started = System.nanoTime();
        int segments = call.call();
        return new Timed((System.nanoTime() - started) / 1e9, segments);
    }

    static Callable<Integer> run(WhisperEngine engine, float[] audio, JobOptions options) {
        return () -> engine.transcribe(audio, options, p -> { }, () -> false).size();
    }

    /** whisper-jni's parameters set as WhisperEngine sets whisper.cpp's for {@link #WORDS_OFF}. */
    static WhisperFullParams jniParams() {
        WhisperFullParams params = new WhisperFullParams(WhisperSamplingStrategy.GREEDY);
        params.nThreads = THREADS;
        params.language = "en";
        params.detectLanguage = false;
        params.noTimestamps = true;
        params.temperatureInc = 0f;
        params.printProgress = false;
        params.printRealtime = false;
        params.printTimestamps = false;
        params.printSpecial = false;
        return params;
    }

    /** A spoken sentence looped to {@code seconds}, as 16 kHz mono float: speech-like input, not noise. */
    static float[] speech(Path dir, int seconds) throws Exception {
        Path wav = dir.resolve("speech.wav");
        run("espeak-ng", "-w", wav.toString(), "The quick brown fox jumps over the lazy dog while the scribe "
                + "copies every word into the ledger. Then he pauses for a moment and reads it back aloud.");
        Path pcm = dir.resolve("speech.f32");
        run("ffmpeg", "-loglevel", "error", "-y", "-stream_loop", "-1", "-i", wav.toString(), "-t",
                String.valueOf(seconds), "-ar", "16000", "-ac", "1", "-f", "f32le", pcm.toString());
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(pcm)).order(ByteOrder.LITTLE_ENDIAN);
        float[] samples = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(samples);
        return samples;
    }

    static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    /** The whisper.cpp and ggml files this process has mapped: which copies, and which ggml build, were measured. */
    static String nativeLibraries() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().map(line -> line.replaceAll("^.* ", ""))
                .filter(path -> path.matches(".*/lib(whisper|ggml)[^/]*")).distinct().sorted()
                .collect(Collectors.joining(", "));
    }

    static String peakRss() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(line -> line.startsWith("VmHWM:"))
                .map(line -> line.substring("VmHWM:".length()).trim()).findFirst().orElse("unknown");
    }
}
