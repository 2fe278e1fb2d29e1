import dev.scriptorium.app.Application;
import dev.scriptorium.app.Role;
import dev.scriptorium.app.ScriptoriumConfig;
import dev.scriptorium.media.MediaFile;
import dev.scriptorium.media.PcmFile;
import dev.scriptorium.speech.SileroVad;
import dev.scriptorium.testing.SpeechScene;
import dev.scriptorium.whisper.SyntheticModel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Speech detection (Silero VAD) benchmark. Run with bench/vad.sh, which puts target/test-classes on the class path
 * (for SpeechScene) and names the Silero model in VAD_MODEL. Prints:
 * - on a generated file that is about half speech, half silence, pink noise and melody: the pipeline's end-to-end
 *   time (upload to completed) with vad=true over vad=false, per round and the median, beside the file's speech
 *   share, and each job's progress.speech_seconds and speech_detection;
 * - VAD's own speed: SileroVad.detect in this JVM on that file's 16 kHz PCM, in audio seconds per wall second (ONNX
 *   Runtime with one intra-op thread, as in the sandboxed child);
 * - the same pipeline pair on an all-speech file of the same length: what detection costs when it skips nothing;
 * - the peak RSS of this process (and of the sandboxed child), and a summary line with every figure.
 * Whisper runs on a synthetic tiny-dims model, greedy, without timestamp tokens or temperature fallback (bounded and
 * deterministic, as in PipelineBenchmark), in one worker slot of an in-process serve on embedded defaults.
 */
public class VadBenchmark {
    static final int SECONDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_SECONDS", "600"));
    static final int THREADS = Integer.parseInt(System.getenv().getOrDefault("BENCH_THREADS", "2"));
    static final int ROUNDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "3"));

    /**
     * SileroVad.detect in this JVM on the file's PCM, as the sandboxed child runs it, with {@code threads} threads:
     * the median over the rounds, in audio seconds per wall second.
     */
    static double vadSpeed(Path vadModel, int threads, Path pcm, Path probabilities, double seconds, Path work)
            throws Exception {
        List<Double> speeds = new ArrayList<>();
        long started = System.nanoTime();
        try (SileroVad vad = SileroVad.load(vadModel, threads)) {
            System.out.printf(Locale.ROOT, "VAD model %s loaded in %.2f s; %d thread(s), each model call on one "
                    + "ONNX Runtime thread, as in the sandboxed child%n", vadModel.getFileName(),
                    (System.nanoTime() - started) / 1e9, threads);
            Path warmPcm = work.resolve("warm.f32");
            copyPrefix(pcm, warmPcm, 10L * 16000 * Float.BYTES);
            vad.detect(warmPcm, work.resolve("warm.prob"), p -> { }, () -> false); // untimed: first-run costs
            for (int round = 1; round <= ROUNDS; round++) {
                started = System.nanoTime();
                long frames = vad.detect(pcm, probabilities, p -> { }, () -> false);
                double wall = (System.nanoTime() - started) / 1e9;
                speeds.add(seconds / wall);
                System.out.printf(Locale.ROOT, "VAD round %d, %d thread(s): %.1f s of audio (%d frames of %d "
                        + "samples) in %.3f s = %.0fx real time%n", round, threads, seconds, frames, SileroVad.FRAME,
                        wall, seconds / wall);
            }
        }
        double median = median(speeds);
        System.out.printf(Locale.ROOT, "VAD speed, %d thread(s), median of %d: %.0fx real time%n", threads, ROUNDS,
                median);
        return median;
    }

    /** One pipeline job's figures, from its job JSON. */
    record Job(double endToEnd, double processing, String status, String speechSeconds, String speechDetection) {
    }

    public static void main(String[] args) throws Exception {
        Path vadModel = Path.of(System.getenv().getOrDefault("VAD_MODEL", "models/silero_vad_v5.onnx"))
                .toAbsolutePath();
        if (!Files.isRegularFile(vadModel)) {
            throw new IllegalStateException("no Silero VAD model at " + vadModel
                    + "; run bench/vad.sh, or set VAD_MODEL (models/download.sh silero-vad)");
        }
        // vad.sh points java.io.tmpdir at a fresh directory: the ONNX Runtime natives (here and in the child),
        // whisper.cpp's, the sockets and everything else land in it, and it goes at the end.
        Path work = Files.createTempDirectory("scriptorium-vad-bench");
        try {
            run(work, vadModel);
        } finally {
            deleteTree(work);
        }
    }

    static void run(Path work, Path vadModel) throws Exception {
        Path whisperModel = work.resolve("synthetic-tiny.bin");
        SyntheticModel.write(whisperModel, SyntheticModel.Dims.TINY, 42);
        SpeechScene half = SpeechScene.halfSpeech(work.resolve("half"), SECONDS);
        SpeechScene all = SpeechScene.allSpeech(work.resolve("all"), SECONDS);
        double share = half.speechSeconds() / half.seconds();
        System.out.printf(Locale.ROOT, "inputs: half speech %.1f s (%.1f s speech in %d sentences, share %.3f; the "
                + "rest silence, pink noise, melody), all speech %.1f s (%.1f s speech), 16 kHz mono WAV; model: "
                + "synthetic tiny dims; Whisper threads: %d; cores: %d; rounds: %d%n", half.seconds(),
                half.speechSeconds(), half.speechSpans().size(), share, all.seconds(), all.speechSeconds(), THREADS,
                Runtime.getRuntime().availableProcessors(), ROUNDS);

        // 1. VAD's own speed, first, while nothing else runs: SileroVad in this JVM on the half-speech PCM.
        Path pcm = work.resolve("half.f32");
        long started = System.nanoTime();
        long samples;
        try (MediaFile media = MediaFile.open(half.wav(), "half.wav")) {
            samples = media.extractPcm(pcm, Double.MAX_VALUE, seconds -> { }).samples();
        }
        System.out.printf(Locale.ROOT, "extraction: %.1f s of audio to 16 kHz mono float in %.2f s%n",
                samples / 16000.0, (System.nanoTime() - started) / 1e9);
        double seconds = samples / 16000.0;
        Path probabilities = work.resolve("half.prob");
        double vadSpeed = vadSpeed(vadModel, 1, pcm, probabilities, seconds, work);
        double detectedShare = shareAtLeast(probabilities, 0.5);
        double vadSpeedAllThreads = THREADS > 1 ? vadSpeed(vadModel, THREADS, pcm, probabilities, seconds, work)
                : vadSpeed;
        System.out.printf(Locale.ROOT, "frames with speech probability >= 0.5: %.3f of the file (speech share "
                + "%.3f)%n", detectedShare, share);

        // 2 and 3. The pipeline with vad=true and vad=false, through the API of one serve on embedded defaults.
        Map<String, String> env = new HashMap<>();
        env.put("DATA_DIR", work.resolve("data").toString());
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("HTTP_PORT", "0");
        env.put("MANAGEMENT_PORT", "0");
        env.put("DASHBOARD_PORT", "0");
        env.put("WHISPER_MODEL", whisperModel.toString());
        env.put("WHISPER_THREADS", String.valueOf(THREADS));
        env.put("WHISPER_TIMESTAMPS", "false");
        env.put("WHISPER_TEMPERATURE_FALLBACK", "false");
        env.put("WORKER_SLOTS", "1");
        env.put("VAD", "true");
        env.put("VAD_MODEL", vadModel.toString());
        double halfMedian;
        double allMedian;
        String childPeak;
        try (Application app = Application.start(Role.SERVE, ScriptoriumConfig.fromEnvironment(env))) {
            URI base = URI.create("http://127.0.0.1:" + app.httpPort().orElseThrow());
            HttpClient http = HttpClient.newHttpClient();
            // Not counted: the child loads ONNX Runtime and the Silero model at its first vad=true job, and Whisper's
            // first call faults in its weights; neither belongs on one side of a pair.
            SpeechScene warm = SpeechScene.halfSpeech(work.resolve("warm"), 20);
            Job warmOn = job(http, base, warm.wav(), true);
            Job warmOff = job(http, base, warm.wav(), false);
            System.out.printf(Locale.ROOT, "warm-up, not counted (%.0f s file; the first vad=true job loads ONNX "
                    + "Runtime and the model in the child): vad=true %.2f s, vad=false %.2f s%n", warm.seconds(),
                    warmOn.endToEnd(), warmOff.endToEnd());
            halfMedian = pairs(http, base, half.wav(), "half speech");
            allMedian = pairs(http, base, all.wav(), "all speech");
            childPeak = childPeakRss();
        }

        String rss = peakRss();
        System.out.println("peak RSS of this process (VmHWM; the serve parent, the client and the VAD speed runs): "
                + rss + "; of the sandboxed child at the end: " + childPeak);
        System.out.printf(Locale.ROOT, "summary: half speech (%.2f speech): vad/no-vad median %.2f; VAD speed %.0fx "
                + "real time (1 thread), %.0fx (%d threads, as in the pipeline); all speech: vad/no-vad median %.2f; "
                + "peak RSS %s%n", share, halfMedian, vadSpeed, vadSpeedAllThreads, THREADS, allMedian, rss);
    }

    /**
     * BENCH_ROUNDS rounds of one job with vad=true and one with vad=false on {@code file}, back to back, vad=true
     * first in odd rounds and second in even ones; prints each round and returns the median of the ratios.
     */
    static double pairs(HttpClient http, URI base, Path file, String label) throws Exception {
        List<Double> ratios = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            Job on;
            Job off;
            if (round % 2 == 1) {
                on = job(http, base, file, true);
                off = job(http, base, file, false);
            } else {
                off = job(http, base, file, false);
                on = job(http, base, file, true);
            }
            double ratio = on.endToEnd() / off.endToEnd();
            ratios.add(ratio);
            System.out.printf(Locale.ROOT, "%s round %d (%s first): vad=true end to end %.2f s (processing %.2f s, "
                    + "status %s, speech_detection %s, progress.speech_seconds %s); vad=false %.2f s (processing "
                    + "%.2f s, status %s, speech_detection %s, progress.speech_seconds %s); ratio %.3f%n", label,
                    round, round % 2 == 1 ? "vad=true" : "vad=false", on.endToEnd(), on.processing(), on.status(),
                    on.speechDetection(), on.speechSeconds(), off.endToEnd(), off.processing(), off.status(),
                    off.speechDetection(), off.speechSeconds(), ratio);
        }
        double median = median(ratios);
        System.out.printf(Locale.ROOT, "%s: vad=true over vad=false, end to end, median of %d rounds: %.3f%n", label,
                ROUNDS, median);
        return median;
    }

    /** Uploads {@code file} with this vad option and waits for the job; its times come from the job's own JSON. */
    static Job job(HttpClient http, URI base, Path file, boolean vad) throws Exception {
        String json = awaitFinished(http, base, upload(http, base, file, vad));
        String status = field(json, "status");
        if (!status.equals("completed")) {
            throw new IllegalStateException("a vad=" + vad + " job ended " + status + ": " + json);
        }
        return new Job(seconds(json, "completed_at") - seconds(json, "created_at"),
                seconds(json, "completed_at") - seconds(json, "started_at"), status,
                rawField(json, "speech_seconds"), rawField(json, "speech_detection"));
    }

    static String upload(HttpClient http, URI base, Path file, boolean vad) throws Exception {
        String boundary = "bench-boundary";
        String fields = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\nen\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"vad\"\r\n\r\n" + vad + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + file.getFileName() + "\"\r\nContent-Type: audio/wav\r\n\r\n";
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(
                HttpRequest.BodyPublishers.ofString(fields), HttpRequest.BodyPublishers.ofFile(file),
                HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n"));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/jobs"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(body).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("upload answered " + response.statusCode() + ": " + response.body());
        }
        return field(response.body(), "id");
    }

    /** Polls once a second, so that the client takes no CPU from Whisper. */
    static String awaitFinished(HttpClient http, URI base, String id) throws Exception {
        while (true) {
            String job = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/jobs/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String status = field(job, "status");
            if (status.equals("completed") || status.equals("failed") || status.equals("canceled")) {
                return job;
            }
            Thread.sleep(1000);
        }
    }

    static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return matcher.group(1);
    }

    /** A field's value as the JSON has it (a number, a string without its quotes, null), or "absent". */
    static String rawField(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":(\"[^\"]*\"|[^,}\\]]*)").matcher(json);
        return matcher.find() ? matcher.group(1).replace("\"", "") : "absent";
    }

    static double seconds(String json, String name) {
        return java.time.Instant.parse(field(json, name)).toEpochMilli() / 1000.0;
    }

    /** The share of frames whose speech probability (little-endian float32 each) is at least {@code threshold}. */
    static double shareAtLeast(Path probabilities, double threshold) throws Exception {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(probabilities)).order(ByteOrder.LITTLE_ENDIAN);
        long frames = 0;
        long speech = 0;
        while (bytes.remaining() >= Float.BYTES) {
            frames++;
            if (bytes.getFloat() >= threshold) {
                speech++;
            }
        }
        return frames == 0 ? 0 : speech / (double) frames;
    }

    static void copyPrefix(Path from, Path to, long bytes) throws Exception {
        try (InputStream in = Files.newInputStream(from); OutputStream out = Files.newOutputStream(to)) {
            out.write(in.readNBytes((int) Math.min(bytes, Files.size(from))));
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    static String peakRss() throws Exception {
        return peakRss(ProcessHandle.current().pid());
    }

    static String peakRss(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                    .filter(line -> line.startsWith("VmHWM:")).map(line -> line.substring("VmHWM:".length()).trim())
                    .findFirst().orElse("unknown");
        } catch (Exception gone) {
            return "unknown";
        }
    }

    /** VmHWM of the sandboxed child (the only java process among this one's descendants). */
    static String childPeakRss() {
        return ProcessHandle.current().descendants()
                .filter(process -> process.info().command().map(command -> Path.of(command).getFileName().toString()
                        .equals("java")).orElse(false))
                .map(process -> peakRss(process.pid())).reduce((a, b) -> a + ", " + b).orElse("unknown");
    }

    static void deleteTree(Path root) throws Exception {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
