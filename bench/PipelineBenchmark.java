import dev.scriptorium.app.Application;
import dev.scriptorium.app.Role;
import dev.scriptorium.app.ScriptoriumConfig;
import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.media.MediaFile;
import dev.scriptorium.media.PcmFile;
import dev.scriptorium.media.QuietChunker;
import dev.scriptorium.sandbox.Sandbox;
import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.whisper.SyntheticModel;
import dev.scriptorium.whisper.WhisperEngine;
import dev.scriptorium.whisper.WhisperSettings;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
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
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pipeline benchmark. Run with bench/run.sh. Prints:
 * - overhead ratio: whole pipeline on a generated 10-minute video, over one direct WhisperEngine call on the same
 *   PCM with the same model (synthetic, tiny dims), threads and options;
 * - extraction speed: audio seconds decoded per wall second;
 * - peak heap while the server receives a 1 GiB upload.
 * Whisper is pinned to the bounded, deterministic setting for synthetic models: greedy, no timestamps, no
 * temperature fallback.
 */
public class PipelineBenchmark {
    static final int THREADS = Integer.parseInt(System.getenv().getOrDefault("BENCH_THREADS", "2"));
    static final int SECONDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_SECONDS", "600"));
    static final int ROUNDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "3"));
    static final long UPLOAD_BYTES = Long.parseLong(System.getenv().getOrDefault("BENCH_UPLOAD_BYTES",
            String.valueOf(1024L * 1024 * 1024)));

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("scriptorium-bench");
        Path model = work.resolve("synthetic-tiny.bin");
        SyntheticModel.write(model, SyntheticModel.Dims.TINY, 42);
        Path video = generateVideo(work, SECONDS);
        System.out.printf(Locale.ROOT, "input: %d s h264/aac mp4, %d bytes; model: synthetic tiny dims; "
                + "threads: %d; cores: %d%n", SECONDS, Files.size(video), THREADS,
                Runtime.getRuntime().availableProcessors());

        // 1. Extraction speed.
        Path pcm = work.resolve("audio.f32");
        long started = System.nanoTime();
        long samples;
        try (MediaFile media = MediaFile.open(video, "bench.mp4")) {
            samples = media.extractPcm(pcm, Double.MAX_VALUE, seconds -> { }).samples();
        }
        double extractSeconds = (System.nanoTime() - started) / 1e9;
        double audioSeconds = samples / 16000.0;
        System.out.printf(Locale.ROOT, "extraction: %.1f s of audio in %.2f s = %.0fx real time%n",
                audioSeconds, extractSeconds, audioSeconds / extractSeconds);

        // 2 and 3. Direct Whisper on the same PCM in one call, against the whole pipeline through the API of a
        // serve process on embedded defaults, in alternating rounds: this machine's speed drifts by 10 % or more
        // within minutes, so each round compares two runs made back to back, and the best of each is compared too.
        WhisperSettings whisper = new WhisperSettings(model, THREADS, 300, false, false, 5);
        float[] audio = readPcm(pcm);
        // Word timestamps on, as the pipeline's jobs have them by default (WORD_TIMESTAMPS).
        JobOptions options = new JobOptions(Optional.of("en"), JobOptions.Task.TRANSCRIBE, true);
        Map<String, String> env = new HashMap<>();
        env.put("DATA_DIR", work.resolve("data").toString());
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("HTTP_PORT", "0");
        env.put("MANAGEMENT_PORT", "0");
        env.put("WHISPER_MODEL", model.toString());
        env.put("WHISPER_THREADS", String.valueOf(THREADS));
        env.put("WHISPER_TIMESTAMPS", "false");
        env.put("WHISPER_TEMPERATURE_FALLBACK", "false");
        env.put("DASHBOARD_PORT", "0");
        env.put("MAX_UPLOAD_BYTES", String.valueOf(Math.max(UPLOAD_BYTES, Files.size(video)) + 1024 * 1024));
        try (Application app = Application.start(Role.SERVE, ScriptoriumConfig.fromEnvironment(env));
             WhisperEngine engine = WhisperEngine.load(whisper)) {
            URI base = URI.create("http://127.0.0.1:" + app.httpPort().orElseThrow());
            HttpClient http = HttpClient.newHttpClient();
            List<Double> directs = new ArrayList<>();
            List<Double> pipelines = new ArrayList<>();
            List<Double> processings = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                started = System.nanoTime();
                int segments = engine.transcribe(audio, options, p -> { }, () -> false).size();
                double direct = (System.nanoTime() - started) / 1e9;
                Map<String, Double> cpuBefore = cpuByProcess();
                Map<String, Long> threadsBefore = cpuByThread();
                String job = awaitFinished(http, base, upload(http, base, video));
                Map<String, Double> cpuAfter = cpuByProcess();
                Map<String, Long> threadsAfter = cpuByThread();
                // Server-side timestamps: the client polls only once a second, so that it takes no CPU from Whisper.
                double pipeline = seconds(job, "completed_at") - seconds(job, "created_at");
                double processing = seconds(job, "completed_at") - seconds(job, "started_at");
                System.out.printf(Locale.ROOT, "round %d: direct WhisperEngine call, whole file at once %.2f s "
                        + "(%d segments); pipeline end to end (upload to completed) %.2f s, processing (started_at "
                        + "to completed_at) %.2f s, status %s; ratio end to end %.3f, processing %.3f%n", round,
                        direct, segments, pipeline, processing, field(job, "status"), pipeline / direct,
                        processing / direct);
                System.out.printf(Locale.ROOT, "round %d: CPU seconds used during the pipeline run: %s%n", round,
                        cpuDifference(cpuBefore, cpuAfter));
                System.out.printf(Locale.ROOT, "round %d: the parent's busiest threads: %s%n", round,
                        busiestThreads(threadsBefore, threadsAfter));
                directs.add(direct);
                pipelines.add(pipeline);
                processings.add(processing);
            }
            System.out.printf(Locale.ROOT, "overhead ratio (pipeline / direct, whole file), best of %d each: end to "
                    + "end %.3f, processing %.3f; median of the rounds' ratios: end to end %.3f%n", ROUNDS,
                    min(pipelines) / min(directs), min(processings) / min(directs),
                    medianRatio(pipelines, directs));

            // The same chunks the pipeline cuts, each in one direct call: what chunking costs Whisper itself (each
            // chunk's last 30 s window is padded).
            List<AudioChunk> chunks;
            try (PcmFile file = new PcmFile(pcm)) {
                chunks = new QuietChunker(300, 10).plan(file);
            }
            started = System.nanoTime();
            engine.transcribe(audio, options, p -> { }, () -> false);
            double direct = (System.nanoTime() - started) / 1e9;
            double directChunks = 0;
            for (AudioChunk chunk : chunks) {
                float[] part = java.util.Arrays.copyOfRange(audio, (int) chunk.startSample(), (int) chunk.endSample());
                started = System.nanoTime();
                engine.transcribe(part, options, p -> { }, () -> false);
                directChunks += (System.nanoTime() - started) / 1e9;
            }
            System.out.printf(Locale.ROOT, "chunking alone, direct calls: whole file %.2f s, the pipeline's %d chunks"
                    + " %.2f s, ratio %.3f%n", direct, chunks.size(), directChunks, directChunks / direct);
            audio = null;

            // 3b. How long a sandboxed child takes to come back (JVM start + model load), as after a crash.
            Sandbox slot = app.worker().orElseThrow().slots().orElseThrow().sandboxes().get(0);
            long restarts = 0;
            double restartTotal = 0;
            for (int i = 0; i < 3; i++) {
                slot.kill("benchmark: child restart time");
                started = System.nanoTime();
                slot.ensureStarted();
                restartTotal += (System.nanoTime() - started) / 1e9;
                restarts++;
            }
            System.out.printf(Locale.ROOT, "child restart (kill, then start and load the model): %.2f s average of %d%n",
                    restartTotal / restarts, restarts);

            // 4. Peak heap while a 1 GiB upload streams in.
            Path big = work.resolve("big.bin");
            try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
                file.setLength(UPLOAD_BYTES);
            }
            System.gc();
            long before = heapUsed();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            started = System.nanoTime();
            upload(http, base, big);
            double uploadSeconds = (System.nanoTime() - started) / 1e9;
            long peak = heapPeak();
            System.out.printf(Locale.ROOT, "1 GiB upload: %.2f s (%.0f MB/s); heap before %d MB, peak during %d MB "
                    + "(server and client in one JVM, -Xmx %d MB)%n", uploadSeconds,
                    UPLOAD_BYTES / 1e6 / uploadSeconds, before >> 20, peak >> 20,
                    Runtime.getRuntime().maxMemory() >> 20);
            Files.delete(big);
        }

        // 5. One slot against two slots with parallel chunks, one Whisper thread per slot, on the same file.
        double oneSlot = timeWithSlots(work, model, video, 1);
        double twoSlots = timeWithSlots(work, model, video, 2);
        System.out.printf(Locale.ROOT, "slots (1 Whisper thread each): 1 slot %.2f s, 2 slots with parallel chunks "
                + "%.2f s, speed-up %.2fx%n", oneSlot, twoSlots, oneSlot / twoSlots);
        deleteTree(work);
    }

    /**
     * CPU seconds (user + system) used so far by this process (the serve parent: web, queues, the slot's watcher)
     * and by each kind of its descendants: the sandboxed child (java), the embedded PostgreSQL and Redis.
     */
    static Map<String, Double> cpuByProcess() {
        Map<String, Double> cpu = new java.util.TreeMap<>();
        cpu.put("parent", cpuSeconds(ProcessHandle.current().pid()));
        // The embedded PostgreSQL daemonizes, so it is not a descendant: count every postgres process (the machine's
        // own, if any, sits idle during a benchmark).
        ProcessHandle.allProcesses().filter(process -> process.info().command()
                .map(command -> Path.of(command).getFileName().toString().startsWith("postgres")).orElse(false))
                .forEach(process -> cpu.merge("postgres", cpuSeconds(process.pid()), Double::sum));
        ProcessHandle.current().descendants().filter(process -> !process.info().command()
                .map(command -> Path.of(command).getFileName().toString().startsWith("postgres")).orElse(false))
                .forEach(process -> {
            String name = process.info().command().map(command -> Path.of(command).getFileName().toString())
                    .orElse("other");
            String kind = name.equals("java") ? "sandbox child" : name.startsWith("postgres") ? "postgres"
                    : name.startsWith("redis") ? "redis" : name;
            cpu.merge(kind, cpuSeconds(process.pid()), Double::sum);
        });
        return cpu;
    }

    /** CPU nanoseconds of this JVM's threads, by name with digits folded (pools of one kind add up). */
    static Map<String, Long> cpuByThread() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> cpu = new HashMap<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos > 0) {
                    cpu.merge(info.getThreadName().replaceAll("\\d+", "#"), nanos, Long::sum);
                }
            }
        }
        return cpu;
    }

    /** The ten thread kinds that used the most CPU between the two samples. */
    static String busiestThreads(Map<String, Long> before, Map<String, Long> after) {
        return after.entrySet().stream()
                .map(entry -> Map.entry(entry.getKey(), entry.getValue() - before.getOrDefault(entry.getKey(), 0L)))
                .filter(entry -> entry.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                .map(entry -> String.format(Locale.ROOT, "%s %.2f s", entry.getKey(), entry.getValue() / 1e9))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (Exception gone) {
            return 0;
        }
    }

    /** "parent 1.2 s, postgres 0.4 s, ..." for what each used between the two samples. */
    static String cpuDifference(Map<String, Double> before, Map<String, Double> after) {
        List<String> parts = new ArrayList<>();
        after.forEach((kind, seconds) -> parts.add(String.format(Locale.ROOT, "%s %.2f s", kind,
                seconds - before.getOrDefault(kind, 0.0))));
        return String.join(", ", parts);
    }

    /** Processing time (started_at to completed_at) of the video on a fresh serve with this many slots. */
    static double timeWithSlots(Path work, Path model, Path video, int slots) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("DATA_DIR", work.resolve("data-slots-" + slots).toString());
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("HTTP_PORT", "0");
        env.put("MANAGEMENT_PORT", "0");
        env.put("WHISPER_MODEL", model.toString());
        env.put("WHISPER_THREADS", "1");
        env.put("WORKER_SLOTS", String.valueOf(slots));
        env.put("DASHBOARD_PORT", "0");
        env.put("WHISPER_TIMESTAMPS", "false");
        env.put("WHISPER_TEMPERATURE_FALLBACK", "false");
        try (Application app = Application.start(Role.SERVE, ScriptoriumConfig.fromEnvironment(env))) {
            URI base = URI.create("http://127.0.0.1:" + app.httpPort().orElseThrow());
            HttpClient http = HttpClient.newHttpClient();
            String job = awaitFinished(http, base, upload(http, base, video));
            return seconds(job, "completed_at") - seconds(job, "started_at");
        }
    }

    static Path generateVideo(Path dir, int seconds) throws Exception {
        Path speech = dir.resolve("speech.wav");
        run("espeak-ng", "-w", speech.toString(), "The quick brown fox jumps over the lazy dog while the scribe "
                + "copies every word into the ledger. Then he pauses for a moment and reads it back aloud.");
        Path video = dir.resolve("bench.mp4");
        run("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=1",
                "-stream_loop", "-1", "-i", speech.toString(), "-t", String.valueOf(seconds),
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "64k", "-ar", "44100", "-ac", "1", "-movflags", "+faststart",
                video.toString());
        return video;
    }

    static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    static float[] readPcm(Path pcm) throws Exception {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(pcm)).order(ByteOrder.LITTLE_ENDIAN);
        float[] samples = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(samples);
        return samples;
    }

    static String upload(HttpClient http, URI base, Path file) throws Exception {
        String boundary = "bench-boundary";
        List<HttpRequest.BodyPublisher> parts = new ArrayList<>();
        parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; "
                + "name=\"language\"\r\n\r\nen\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; "
                + "filename=\"" + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n"));
        parts.add(HttpRequest.BodyPublishers.ofFile(file));
        parts.add(HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n"));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/jobs"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(parts.toArray(HttpRequest.BodyPublisher[]::new))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("upload answered " + response.statusCode() + ": " + response.body());
        }
        return field(response.body(), "id");
    }

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

    static double seconds(String json, String name) {
        return java.time.Instant.parse(field(json, name)).toEpochMilli() / 1000.0;
    }

    static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    static double medianRatio(List<Double> numerators, List<Double> denominators) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < numerators.size(); i++) {
            ratios.add(numerators.get(i) / denominators.get(i));
        }
        ratios.sort(null);
        int middle = ratios.size() / 2;
        return ratios.size() % 2 == 1 ? ratios.get(middle) : (ratios.get(middle - 1) + ratios.get(middle)) / 2;
    }

    static long heapUsed() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getUsage().getUsed()).sum();
    }

    static long heapPeak() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    static void deleteTree(Path root) throws Exception {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
