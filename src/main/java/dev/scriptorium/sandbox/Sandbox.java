package dev.scriptorium.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.media.ExtractedAudio;
import dev.scriptorium.media.MediaInfo;
import dev.scriptorium.media.MediaRejectedException;
import dev.scriptorium.transcription.FailureCode;
import dev.scriptorium.transcription.JobCanceledException;
import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.whisper.ModelException;
import dev.scriptorium.whisper.DetectedLanguage;
import dev.scriptorium.whisper.WhisperSegment;
import dev.scriptorium.whisper.WhisperWord;
import dev.scriptorium.whisper.WhisperSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One supervised child process ({@link ChildMain}) that does all native work for one worker slot. The parent never
 * loads FFmpeg or whisper.cpp: if native code crashes or hangs, only the child dies (or is killed), the request in
 * hand fails with a reason, and the next request starts a fresh child.
 *
 * <p>While waiting for a reply the sandbox watches the child's life, its progress and CPU time (a child that reports
 * no progress and uses no CPU for HANG_SECONDS is hung), the job's deadline and whether the job was canceled, and
 * kills the child at once when any of them says so; every kill is logged with its reason. A cancel while whisper.cpp
 * runs is an abort instead, which keeps the child and its loaded model; the kill is the fallback. Once the worker is stopping, no child is started and a child's
 * death ends the request with {@link SlotStoppedException}, never as a crash. Not thread-safe: one job uses a sandbox
 * at a time ({@link WorkerSlots} hands them out); only {@link #stop} may be called from another thread.
 */
public final class Sandbox implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sandbox.class);
    private static final int LOG_LINES = 50;
    /** A query per check: once a second is quick enough for a user who cancels, and cheap while Whisper runs. */
    private static final long CANCEL_CHECK_MILLIS = 1000;
    /** whisper.cpp checks for an abort after every encoder and decoder pass, which take well under a second. */
    private static final java.time.Duration ABORT_GRACE = java.time.Duration.ofSeconds(10);
    private static final long NOT_ABORTABLE = -1;
    /** The exit status of a JVM ended by SIGTERM: a service manager stopping the worker's whole process group. */
    private static final int TERMINATED = 128 + 15;
    private final int slot;
    private final SandboxSettings settings;
    private final WhisperSettings whisper;
    private final Path socketDir;
    private final Deque<String> recentLog = new ArrayDeque<>();
    private volatile UUID currentJob;
    private volatile boolean stopping;
    private volatile Process process;
    private Frames frames;
    private SocketChannel channel;
    private BlockingQueue<Optional<JsonNode>> replies;
    private int starts;
    private long nextRequestId;
    private boolean multilingual = true;
    /** Until a chunk has been measured, assume real time: conservative for any model on a GPU or a fast CPU. */
    private double secondsPerAudioSecond = 1.0;
    private boolean speedMeasured;

    public Sandbox(int slot, SandboxSettings settings, WhisperSettings whisper, Path socketDir) {
        this.slot = slot;
        this.settings = settings;
        this.whisper = whisper;
        this.socketDir = socketDir;
    }

    /**
     * Starts the child unless it is running, and waits until it has loaded the model.
     *
     * @throws ModelException         if the child reports that the model cannot be loaded
     * @throws ChildCrashedException  if the child dies while starting (e.g. whisper.cpp aborts on the model)
     */
    public void ensureStarted() throws ModelException, ChildCrashedException, SlotStoppedException, IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        stopChild();
        if (stopping) {
            throw new SlotStoppedException();
        }
        Path socket = socketDir.resolve("slot-" + slot + "-" + UUID.randomUUID().toString().substring(0, 8)
                + ".sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            server.configureBlocking(false);
            process = spawn(socket);
            starts++;
            long deadline = System.nanoTime() + settings.startupTimeout().toNanos();
            while ((channel = server.accept()) == null) {
                if (!process.isAlive()) {
                    throw crashed("while starting");
                }
                if (System.nanoTime() > deadline) {
                    kill("it did not start within " + settings.startupTimeout().toSeconds() + " s");
                    throw new ChildCrashedException(-1, "The worker process did not start within "
                            + settings.startupTimeout().toSeconds() + " s");
                }
                sleep(20);
            }
        } finally {
            Files.deleteIfExists(socket);
        }
        channel.configureBlocking(true);
        frames = new Frames(Channels.newInputStream(channel), channel);
        replies = new LinkedBlockingQueue<>();
        startReader(frames, replies, process.pid());
        JsonNode hello;
        try {
            hello = awaitReply(null, "loading the model", settings.startupTimeout(), NOT_ABORTABLE, null);
        } catch (TimedOutException e) {
            throw new ChildCrashedException(-1, "The worker process did not load the model within "
                    + settings.startupTimeout().toSeconds() + " s");
        } catch (InterruptedException e) {
            kill("the worker was interrupted while the child loaded the model");
            Thread.currentThread().interrupt();
            throw new ChildCrashedException(-1, "Interrupted while the worker process loaded the model");
        }
        if (hello.path("type").asText().equals("model_error")) {
            stopChild();
            throw new ModelException(hello.path("message").asText());
        }
        multilingual = hello.path("multilingual").asBoolean(true);
        log.info("Worker slot {}: child {} ready with model {}", slot, process.pid(), hello.path("model").asText());
    }

    private Process spawn(Path socket) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(settings.childJavaOptions());
        // The child unpacks its native libraries into its temp directory: this process's, not the machine's default.
        command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        command.add(ChildMain.class.getName());
        command.add(socket.toString());
        command.add(whisper.model().toAbsolutePath().toString());
        command.add(String.valueOf(whisper.threads()));
        command.add(String.valueOf(whisper.timestamps()));
        command.add(String.valueOf(whisper.temperatureFallback()));
        command.add(String.valueOf(whisper.decoding().beamSearch()));
        command.add(String.valueOf(whisper.decoding().beamSize()));
        command.add(String.valueOf(whisper.decoding().flashAttention()));
        command.add(settings.nativeDir().map(Path::toString).orElse(""));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // The class path goes in the environment, not on the command line: ONNX Runtime 1.29 crashes (SIGSEGV) when
        // it starts in a process whose command line is longer than about 4 KB, as a class path of many jars makes it.
        builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        // ONNX Runtime writes a device id under the user's cache directory: keep it in the temp dir with the rest.
        builder.environment().put("XDG_CACHE_HOME",
                Path.of(System.getProperty("java.io.tmpdir"), "scriptorium-cache").toString());
        Process child = builder.start();
        Thread drain = new Thread(() -> drainLog(child), "sandbox-" + slot + "-log");
        drain.setDaemon(true);
        drain.start();
        return child;
    }

    private void drainLog(Process child) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                log.debug("child {}: {}", child.pid(), line);
                synchronized (recentLog) {
                    if (recentLog.size() == LOG_LINES) {
                        recentLog.removeFirst();
                    }
                    recentLog.addLast(line);
                }
            }
        } catch (IOException ignored) {
            // The child is gone.
        }
    }

    private static void startReader(Frames frames, BlockingQueue<Optional<JsonNode>> replies, long pid) {
        Thread reader = new Thread(() -> {
            try {
                while (true) {
                    replies.add(Optional.of(frames.read()));
                }
            } catch (IOException gone) {
                replies.add(Optional.empty());
            }
        }, "sandbox-reader-" + pid);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Probes the media and extracts its audio to {@code pcm} (16 kHz mono float32).
     *
     * @param onProbed told what the media is as soon as the child has opened it
     * @return what was extracted, and where it starts on the media's timeline
     */
    public ExtractedAudio prepare(Path media, Path pcm, String filename, double maxSeconds, JobWatch watch,
                        Consumer<MediaInfo> onProbed) throws Exception {
        ObjectNode request = Frames.message("prepare").put("media", media.toString()).put("pcm", pcm.toString())
                .put("filename", filename).put("max_seconds", maxSeconds);
        send(request);
        JsonNode probed = expect(awaitReply(watch, "reading the media", null, NOT_ABORTABLE, null), "probed");
        onProbed.accept(new MediaInfo(probed.get("container").asText(), probed.get("audio_codec").asText(),
                probed.get("duration_seconds").asDouble()));
        JsonNode extracted = expect(awaitReply(watch, "extracting the audio", null, NOT_ABORTABLE, null),
                "extracted");
        return new ExtractedAudio(extracted.get("samples").asLong(), extracted.path("start_seconds").asDouble());
    }

    /**
     * Transcribes one chunk of a PCM file; times are relative to the chunk's start.
     *
     * @param progress told the fraction of the chunk done (0 to 1) as whisper.cpp moves through it
     */
    public List<WhisperSegment> transcribe(Path pcm, AudioChunk chunk, JobOptions options, JobWatch watch,
                                           DoubleConsumer progress) throws Exception {
        long id = nextRequestId++;
        send(Frames.message("transcribe").put("id", id).put("pcm", pcm.toString())
                .put("start_sample", chunk.startSample()).put("end_sample", chunk.endSample())
                .put("language", options.language().orElse(null)).put("task", options.task().name())
                .put("word_timestamps", options.wordTimestamps())
                .put("prompt", options.prompt().orElse(null)));
        JsonNode reply = expect(awaitReply(watch, "transcribing", null, id, progress), "segments");
        double chunkSeconds = chunk.endSeconds() - chunk.startSeconds();
        if (chunkSeconds > 1) {
            double measured = reply.get("elapsed_ms").asDouble() / 1000 / chunkSeconds;
            secondsPerAudioSecond = speedMeasured ? 0.7 * secondsPerAudioSecond + 0.3 * measured : measured;
            speedMeasured = true;
        }
        List<WhisperSegment> segments = new ArrayList<>();
        for (JsonNode segment : reply.get("segments")) {
            List<WhisperWord> words = new ArrayList<>();
            for (JsonNode word : segment.path("words")) {
                words.add(new WhisperWord(word.get("text").asText(), word.get("start").asDouble(),
                        word.get("end").asDouble(), word.get("probability").asDouble()));
            }
            JsonNode logprob = segment.get("avg_logprob");
            segments.add(new WhisperSegment(segment.get("start").asDouble(), segment.get("end").asDouble(),
                    segment.get("text").asText(), words, logprob == null ? null : logprob.asDouble()));
        }
        return segments;
    }

    /**
     * Has the child write Silero's speech probability for every frame of {@code pcm} to {@code out}.
     *
     * @return how many frames it wrote, or, if the model cannot be loaded, why (the job runs without speech
     *         detection)
     */
    public SpeechDetectionRun detectSpeech(Path pcm, Path model, Path out, JobWatch watch,
                                                     DoubleConsumer progress) throws Exception {
        long id = nextRequestId++;
        send(Frames.message("detect_speech").put("id", id).put("pcm", pcm.toString()).put("model", model.toString())
                .put("out", out.toString()));
        JsonNode reply = awaitReply(watch, "detecting speech", null, id, progress);
        if (reply.path("type").asText().equals("speech_unavailable")) {
            log.warn("Worker slot {}: {}", slot, reply.path("message").asText());
            return new SpeechDetectionRun(0, 0, Optional.of(reply.path("message").asText()));
        }
        expect(reply, "speech");
        return new SpeechDetectionRun(reply.get("frames").asLong(), reply.get("elapsed_ms").asLong() / 1000.0,
                Optional.empty());
    }

    /** Detects the spoken language of up to 30 s of a PCM file. */
    public DetectedLanguage detectLanguage(Path pcm, AudioChunk window, JobWatch watch) throws Exception {
        long id = nextRequestId++;
        send(Frames.message("detect_language").put("id", id).put("pcm", pcm.toString())
                .put("start_sample", window.startSample()).put("end_sample", window.endSample()));
        JsonNode reply = expect(awaitReply(watch, "detecting the language", null, id, null), "language");
        List<DetectedLanguage.Candidate> alternatives = new ArrayList<>();
        for (JsonNode candidate : reply.path("alternatives")) {
            alternatives.add(new DetectedLanguage.Candidate(candidate.get("code").asText(),
                    candidate.get("probability").asDouble()));
        }
        return new DetectedLanguage(reply.get("code").asText(), reply.get("probability").asDouble(), alternatives);
    }

    /** Whether the loaded model knows more than English; true until a child has said otherwise. */
    public boolean multilingual() throws Exception {
        ensureStarted();
        return multilingual;
    }

    /**
     * The child's own accounting: its pid, when it loaded the model, the language of every transcription it was
     * asked for, the seconds of audio Whisper was given, how often it detected languages and speech, and how many
     * calls were aborted.
     */
    public JsonNode childStats() throws Exception {
        send(Frames.message("stats"));
        return expect(awaitReply(null, "reporting", settings.startupTimeout(), NOT_ABORTABLE, null), "stats");
    }

    /** The measured Whisper speed of this slot, for time limits and ETAs. */
    public double secondsPerAudioSecond() {
        return secondsPerAudioSecond;
    }

    public String model() {
        return whisper.model().getFileName().toString();
    }

    private void send(JsonNode request) throws Exception {
        ensureStarted();
        try {
            frames.write(request);
        } catch (IOException e) {
            throw crashed("while receiving a request");
        }
    }

    private JsonNode expect(JsonNode reply, String type) throws Exception {
        String actual = reply.path("type").asText();
        if (actual.equals(type)) {
            return reply;
        }
        if (actual.equals("rejected")) {
            throw new MediaRejectedException(FailureCode.valueOf(reply.get("code").asText()),
                    reply.get("message").asText());
        }
        throw new SandboxException("The worker process answered " + actual + ": " + reply.path("message").asText());
    }

    /**
     * Waits for the child's next message, killing the child when it hangs, the deadline passes or the job is
     * canceled. Without a watch (loading the model) only {@code timeout} applies.
     */
    private JsonNode awaitReply(JobWatch watch, String doing, java.time.Duration timeout, long abortable,
                                DoubleConsumer progress)
            throws InterruptedException, ChildCrashedException, SlotStoppedException, TimedOutException {
        Instant deadline = timeout != null ? Instant.now().plus(timeout) : watch.deadline();
        long nextCancelCheck = System.nanoTime();
        long nextCpuCheck = System.nanoTime();
        long cpuCheckNanos = cpuCheckInterval(settings.timeouts().hangAfter()).toNanos();
        HangWatch hang = new HangWatch(settings.timeouts().hangAfter());
        while (true) {
            // Sleeps until the next check is due: every wake-up of this process takes a core from Whisper's threads.
            long untilNextCheck = Math.min(nextCancelCheck, nextCpuCheck) - System.nanoTime();
            Optional<JsonNode> reply = replies.poll(Math.max(TimeUnit.MILLISECONDS.toNanos(10), untilNextCheck),
                    TimeUnit.NANOSECONDS);
            if (reply != null) {
                if (reply.isPresent() && reply.get().path("type").asText().equals("progress")) {
                    // Progress inside a chunk is the liveness signal: a child that moves on is not hung.
                    hang.progressed();
                    if (progress != null) {
                        progress.accept(reply.get().path("percent").asDouble() / 100);
                    }
                    continue;
                }
                if (reply.isPresent()) {
                    return reply.get();
                }
                process.waitFor(5, TimeUnit.SECONDS);
                throw crashed(doing);
            }
            if (!process.isAlive()) {
                throw crashed(doing);
            }
            Instant now = Instant.now();
            if (watch != null && now.isAfter(watch.deadline()) || now.isAfter(deadline)) {
                String limit = watch != null ? "the job's time limit" : timeout.toSeconds() + " s";
                kill("it ran past " + limit + " while " + doing);
                throw new TimedOutException(TimedOutException.Why.TIME_LIMIT, doing);
            }
            long nanos = System.nanoTime();
            if (watch != null && nanos >= nextCpuCheck) {
                nextCpuCheck = nanos + cpuCheckNanos;
                OptionalDouble cpu = ProcessCpu.seconds(process.pid());
                if (cpu.isPresent() && hang.hung(nanos, cpu.getAsDouble())) {
                    long seconds = settings.timeouts().hangAfter().toSeconds();
                    kill("it used no CPU for " + seconds + " s while " + doing + " (hung)");
                    throw new TimedOutException(TimedOutException.Why.HUNG, doing);
                }
            }
            if (watch != null && nanos >= nextCancelCheck) {
                nextCancelCheck = nanos + TimeUnit.MILLISECONDS.toNanos(CANCEL_CHECK_MILLIS);
                if (watch.canceled()) {
                    abortOrKill(abortable, doing);
                    throw new JobCanceledException();
                }
            }
        }
    }

    /** A quarter of the hang window, so that a hang is seen soon after it, but never more than once a second. */
    static java.time.Duration cpuCheckInterval(java.time.Duration hangAfter) {
        java.time.Duration quarter = hangAfter.dividedBy(4);
        return quarter.compareTo(java.time.Duration.ofSeconds(1)) < 0 ? java.time.Duration.ofSeconds(1)
                : quarter.compareTo(java.time.Duration.ofSeconds(5)) > 0 ? java.time.Duration.ofSeconds(5) : quarter;
    }

    /**
     * Stops a canceled job's work. whisper.cpp is asked to abort, which keeps the child and its loaded model for the
     * next job; FFmpeg cannot be, and a child that does not answer the abort in time is killed all the same.
     */
    private void abortOrKill(long abortable, String doing) throws InterruptedException {
        if (abortable == NOT_ABORTABLE) {
            kill("its job was canceled while " + doing);
            return;
        }
        try {
            frames.write(Frames.message("abort").put("id", abortable));
        } catch (IOException e) {
            kill("its job was canceled, and it did not take the abort");
            return;
        }
        long deadline = System.nanoTime() + ABORT_GRACE.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<JsonNode> reply = replies.poll(100, TimeUnit.MILLISECONDS);
            if (reply == null || reply.isPresent() && reply.get().path("type").asText().equals("progress")) {
                continue;
            }
            if (reply.isPresent()) {
                // Aborted, or the request ended just before the abort came: either way the child is free again.
                log.info("Worker slot {}: child {} stopped its work for a canceled job; it stays up", slot,
                        process.pid());
                return;
            }
            break;
        }
        kill("its job was canceled, and it did not stop within " + ABORT_GRACE.toSeconds() + " s of the abort");
    }

    /**
     * The child died on its own. While the worker is stopping, or when SIGTERM ended it (the service manager signals
     * the whole process group at once, so the child may go before this process has begun to stop), that is the stop,
     * not a crash of the file: the job goes back to the queue without counting towards CRASH_RETRIES.
     */
    private ChildCrashedException crashed(String doing) throws SlotStoppedException {
        int exit = -1;
        try {
            if (process.waitFor(5, TimeUnit.SECONDS)) {
                exit = process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopping || exit == TERMINATED) {
            log.info("Worker slot {}: child {} ended ({}) while {}: the worker is stopping", slot, process.pid(),
                    exit == TERMINATED ? "SIGTERM" : "exit status " + exit, doing);
            stopChild();
            throw new SlotStoppedException();
        }
        String how = exit > 128 ? "was killed by signal " + (exit - 128) : "exited with status " + exit;
        log.warn("Worker slot {}: child {} {} {}; last output:\n{}", slot, process.pid(), how, doing,
                String.join("\n", recentLog()));
        stopChild();
        return new ChildCrashedException(exit, "The worker process " + how + " " + doing + ".");
    }

    /** Marks the slot busy with a job (for the admin view) and starts the log lines kept for its attempt afresh. */
    public void beginJob(UUID jobId) {
        currentJob = jobId;
        synchronized (recentLog) {
            recentLog.clear();
        }
    }

    public void endJob() {
        currentJob = null;
    }

    public Optional<UUID> currentJob() {
        return Optional.ofNullable(currentJob);
    }

    public int slot() {
        return slot;
    }

    /** The last lines the child printed, oldest first. */
    public List<String> recentLog() {
        synchronized (recentLog) {
            return List.copyOf(recentLog);
        }
    }

    /** How many children this slot has started. */
    public int starts() {
        return starts;
    }

    public Optional<Long> childPid() {
        return process != null && process.isAlive() ? Optional.of(process.pid()) : Optional.empty();
    }

    /**
     * Replaces a child that was killed (crash, timeout, cancel) at once, so that the next job does not wait for it.
     * Failures are logged; the next request tries again.
     */
    public void restartIfGone() {
        if (childPid().isPresent() || Thread.currentThread().isInterrupted() || stopping) {
            return;
        }
        try {
            ensureStarted();
        } catch (Exception e) {
            log.warn("Worker slot {}: could not restart the child; the next job will try again: {}", slot,
                    e.toString());
        }
    }

    /**
     * The worker is stopping: no child is started from now on, and the running one is killed at once (SIGKILL), so
     * that its job goes back to the queue within moments. Its work since the last finished chunk is lost, which is
     * what a stop costs; waiting for a chunk to end would take minutes. Thread-safe.
     */
    public void stop() {
        if (stopping) {
            return;
        }
        stopping = true;
        Process running = process;
        if (running != null && running.isAlive()) {
            log.info("Worker slot {}: killing child {}{}: the worker is stopping", slot, running.pid(),
                    currentJob != null ? " (job " + currentJob + ")" : "");
            running.destroyForcibly();
        }
    }

    /** Kills the child now (SIGKILL) and logs why; the next request starts a new one. */
    public void kill(String why) {
        if (process != null && process.isAlive()) {
            log.warn("Worker slot {}: killing child {}{}: {}", slot, process.pid(),
                    currentJob != null ? " (job " + currentJob + ")" : "", why);
        }
        kill();
    }

    private void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopChild();
    }

    private void stopChild() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing a dead connection.
            }
            channel = null;
        }
        frames = null;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks an idle child to stop, and kills it if it does not within a few seconds; a busy child is killed. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        if (process.isAlive() && frames != null && currentJob == null && !stopping) {
            try {
                frames.write(Frames.message("stop"));
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException ignored) {
                // Killed below.
            }
        }
        kill();
    }
}
