package dev.scriptorium.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scriptorium.media.ExtractedAudio;
import dev.scriptorium.media.MediaFile;
import dev.scriptorium.media.MediaInfo;
import dev.scriptorium.media.MediaRejectedException;
import dev.scriptorium.media.PcmFile;
import dev.scriptorium.speech.SileroVad;
import dev.scriptorium.speech.SpeechModelException;
import dev.scriptorium.transcription.FailureCode;
import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.whisper.AbortedException;
import dev.scriptorium.whisper.DetectedLanguage;
import dev.scriptorium.whisper.ModelException;
import dev.scriptorium.whisper.WhisperEngine;
import dev.scriptorium.whisper.WhisperSegment;
import dev.scriptorium.whisper.WhisperSettings;
import dev.scriptorium.whisper.WhisperWord;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The sandboxed child: the only process that loads native code (FFmpeg, whisper.cpp). It connects to its parent's
 * socket, loads the model once, and then serves one request at a time until told to stop or until its parent goes
 * away. If native code kills it, only the job in hand is affected; the parent starts a new child.
 *
 * <p>A reader thread takes the parent's messages as they come, so that an {@code abort} reaches the transcription in
 * progress: whisper.cpp stops at its next pass and the model stays loaded. The child keeps its own accounting
 * ({@code stats}): when it loaded the model, what it was asked to transcribe in which language, how much audio
 * Whisper was given, how often it detected languages and speech, and how many calls were aborted.
 *
 * <p>Arguments: socket path, model path, threads, timestamps, temperature fallback, beam search, beam size, flash
 * attention (true/false for the switches), and the native library directory (empty for the shipped one).
 */
public final class ChildMain {
    private final Frames frames;
    private final WhisperEngine engine;
    private final long modelLoadedAt;
    private final AtomicReference<Running> running = new AtomicReference<>();
    /** Whisper's threads, which speech detection may use while Whisper waits for it. */
    private final int threads;
    /** The last request an abort named: it may come before the request has begun. */
    private final AtomicLong lastAborted = new AtomicLong(-1);
    private final List<String> languages = new ArrayList<>();
    private int aborts;
    private int languageDetections;
    private int speechDetections;
    /** Seconds of audio handed to Whisper's transcription, so that a test can see what speech detection spared it. */
    private double transcribedSeconds;
    /** Loaded on the first request that names it, so that a model downloaded later is used without a restart. */
    private SileroVad vad;
    private Path vadModel;

    /** The request whisper.cpp is working on, which an abort with its id stops. */
    private record Running(long id, AtomicBoolean aborted) {
    }

    private ChildMain(Frames frames, WhisperEngine engine, long modelLoadedAt, int threads) {
        this.threads = threads;
        this.frames = frames;
        this.engine = engine;
        this.modelLoadedAt = modelLoadedAt;
    }

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        WhisperSettings settings = new WhisperSettings(Path.of(args[1]), Integer.parseInt(args[2]), 300,
                Boolean.parseBoolean(args[3]), Boolean.parseBoolean(args[4]), 5)
                .withDecoding(new WhisperSettings.Decoding(Boolean.parseBoolean(args[5]), Integer.parseInt(args[6]),
                        Boolean.parseBoolean(args[7])))
                .withNativeDir(args[8].isEmpty() ? Optional.empty() : Optional.of(Path.of(args[8])));
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            Frames frames = new Frames(Channels.newInputStream(channel), channel);
            WhisperEngine engine;
            try {
                engine = WhisperEngine.load(settings);
            } catch (ModelException e) {
                frames.write(Frames.message("model_error").put("message", e.getMessage()));
                return;
            }
            ChildMain child = new ChildMain(frames, engine, System.currentTimeMillis(), settings.threads());
            try (engine) {
                frames.write(Frames.message("ready").put("model", engine.modelName())
                        .put("multilingual", engine.multilingual()));
                child.serve();
            } finally {
                child.closeVad();
            }
        }
        // Daemon threads of native libraries must not keep a finished child alive.
        System.exit(0);
    }

    private void serve() throws IOException, InterruptedException {
        BlockingQueue<Optional<JsonNode>> requests = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> read(requests), "child-reader");
        reader.setDaemon(true);
        reader.start();
        while (true) {
            Optional<JsonNode> next = requests.take();
            if (next.isEmpty()) {
                return;
            }
            JsonNode request = next.get();
            String type = request.path("type").asText();
            try {
                switch (type) {
                    case "prepare": prepare(request); break;
                    case "detect_language": detectLanguage(request); break;
                    case "detect_speech": detectSpeech(request); break;
                    case "transcribe": transcribe(request); break;
                    case "stats": stats(); break;
                    case "stop": return;
                    default: frames.write(error("unknown request type '" + type + "'"));
                }
            } catch (MediaRejectedException e) {
                frames.write(Frames.message("rejected").put("code", e.code().name()).put("message", e.getMessage()));
            } catch (AbortedException e) {
                aborts++;
                frames.write(Frames.message("aborted"));
            } catch (IOException | RuntimeException e) {
                frames.write(error(e.toString()));
            } finally {
                running.set(null);
            }
        }
    }

    /** Hands requests to the main loop, except aborts, which act at once; an empty one means the parent has gone. */
    private void read(BlockingQueue<Optional<JsonNode>> requests) {
        try {
            while (true) {
                JsonNode message = frames.read();
                if (message.path("type").asText().equals("abort")) {
                    lastAborted.set(message.path("id").asLong());
                    Running current = running.get();
                    if (current != null && current.id() == message.path("id").asLong()) {
                        current.aborted().set(true);
                    }
                } else {
                    requests.add(Optional.of(message));
                }
            }
        } catch (EOFException parentGone) {
            requests.add(Optional.empty());
        } catch (IOException e) {
            requests.add(Optional.empty());
        }
    }

    private void prepare(JsonNode request) throws IOException, MediaRejectedException {
        Path media = Path.of(request.get("media").asText());
        Path pcm = Path.of(request.get("pcm").asText());
        double maxSeconds = request.get("max_seconds").asDouble();
        try (MediaFile file = MediaFile.open(media, request.get("filename").asText())) {
            MediaInfo info = file.info();
            frames.write(Frames.message("probed").put("container", info.container())
                    .put("audio_codec", info.audioCodec()).put("duration_seconds", info.durationSeconds()));
            if (info.durationSeconds() > maxSeconds) {
                throw new MediaRejectedException(FailureCode.TOO_LONG,
                        MediaFile.tooLongMessage(maxSeconds));
            }
            ExtractedAudio audio = file.extractPcm(pcm, maxSeconds, seconds -> { });
            frames.write(Frames.message("extracted").put("samples", audio.samples())
                    .put("start_seconds", audio.startSeconds()));
        }
    }

    /**
     * Writes Silero's speech probability for every frame of the PCM file to {@code out}; replies {@code speech}, or
     * {@code speech_unavailable} with the reason if the model cannot be loaded (the job then runs without it).
     */
    private void detectSpeech(JsonNode request) throws IOException {
        Path model = Path.of(request.get("model").asText());
        if (vad == null || !model.equals(vadModel)) {
            closeVad();
            try {
                vad = SileroVad.load(model, threads);
                vadModel = model;
            } catch (SpeechModelException e) {
                frames.write(Frames.message("speech_unavailable").put("message", e.getMessage()));
                return;
            }
        }
        AtomicBoolean aborted = begin(request);
        long id = request.path("id").asLong();
        long started = System.nanoTime();
        long frameCount;
        try {
            frameCount = vad.detect(Path.of(request.get("pcm").asText()), Path.of(request.get("out").asText()),
                    percent -> progress(id, percent), aborted::get);
        } catch (ai.onnxruntime.OrtException e) {
            throw new IOException("speech detection failed: " + e.getMessage(), e);
        }
        speechDetections++;
        frames.write(Frames.message("speech").put("frames", frameCount)
                .put("elapsed_ms", (System.nanoTime() - started) / 1_000_000));
    }

    private void closeVad() {
        if (vad != null) {
            try {
                vad.close();
            } catch (Exception ignored) {
                // The child is leaving or switching models; the session's memory goes either way.
            }
            vad = null;
        }
    }

    private void detectLanguage(JsonNode request) throws IOException {
        float[] samples = samples(request);
        languageDetections++;
        AtomicBoolean aborted = begin(request);
        DetectedLanguage detected = engine.detectLanguage(samples, aborted::get);
        ObjectNode reply = Frames.message("language").put("code", detected.code())
                .put("probability", detected.probability());
        ArrayNode alternatives = reply.putArray("alternatives");
        for (DetectedLanguage.Candidate candidate : detected.alternatives()) {
            alternatives.addObject().put("code", candidate.code()).put("probability", candidate.probability());
        }
        frames.write(reply);
    }

    private void transcribe(JsonNode request) throws IOException {
        float[] samples = samples(request);
        transcribedSeconds += samples.length / (double) MediaFile.SAMPLE_RATE;
        JobOptions options = new JobOptions(Optional.ofNullable(request.path("language").textValue()),
                JobOptions.Task.valueOf(request.get("task").asText()),
                request.path("word_timestamps").asBoolean(true), true,
                Optional.ofNullable(request.path("prompt").textValue()));
        languages.add(options.language().orElse("auto"));
        AtomicBoolean aborted = begin(request);
        long id = request.path("id").asLong();
        long started = System.nanoTime();
        List<WhisperSegment> segments = engine.transcribe(samples, options, percent -> progress(id, percent),
                aborted::get);
        ObjectNode reply = Frames.message("segments").put("elapsed_ms", (System.nanoTime() - started) / 1_000_000);
        ArrayNode list = reply.putArray("segments");
        for (WhisperSegment segment : segments) {
            ObjectNode item = list.addObject().put("start", segment.start()).put("end", segment.end())
                    .put("text", segment.text());
            if (segment.avgLogprob() != null) {
                item.put("avg_logprob", segment.avgLogprob());
            }
            ArrayNode words = item.putArray("words");
            for (WhisperWord word : segment.words()) {
                words.addObject().put("text", word.text()).put("start", word.start()).put("end", word.end())
                        .put("probability", word.probability());
            }
        }
        frames.write(reply);
    }

    /** Progress is best effort: a parent that cannot take it now gets the answer later anyway. */
    private void progress(long id, int percent) {
        try {
            frames.write(Frames.message("progress").put("id", id).put("percent", percent));
        } catch (IOException ignored) {
            // The parent has gone; the main loop finds out.
        }
    }

    private void stats() throws IOException {
        ObjectNode reply = Frames.message("stats").put("pid", ProcessHandle.current().pid())
                .put("model_loaded_at_ms", modelLoadedAt).put("transcriptions", languages.size())
                .put("aborts", aborts).put("language_detections", languageDetections)
                .put("speech_detections", speechDetections).put("transcribed_seconds", transcribedSeconds);
        ArrayNode asked = reply.putArray("languages");
        languages.forEach(asked::add);
        frames.write(reply);
    }

    private AtomicBoolean begin(JsonNode request) {
        long id = request.path("id").asLong();
        AtomicBoolean aborted = new AtomicBoolean();
        running.set(new Running(id, aborted));
        if (lastAborted.get() == id) {
            aborted.set(true);
        }
        return aborted;
    }

    private static float[] samples(JsonNode request) throws IOException {
        long start = request.get("start_sample").asLong();
        int length = Math.toIntExact(request.get("end_sample").asLong() - start);
        try (PcmFile pcm = new PcmFile(Path.of(request.get("pcm").asText()))) {
            return pcm.read(start, length);
        }
    }

    private static ObjectNode error(String message) {
        return Frames.message("error").put("message", message);
    }
}
