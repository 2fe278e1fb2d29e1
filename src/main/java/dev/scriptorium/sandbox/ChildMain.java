package dev.scriptorium.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scriptorium.media.ExtractedAudio;
import dev.scriptorium.media.MediaFile;
import dev.scriptorium.media.MediaInfo;
import dev.scriptorium.media.MediaRejectedException;
import dev.scriptorium.media.PcmFile;
import dev.scriptorium.transcription.FailureCode;
import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.whisper.ModelException;
import dev.scriptorium.whisper.WhisperEngine;
import dev.scriptorium.whisper.WhisperSegment;
import dev.scriptorium.whisper.WhisperSettings;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The sandboxed child: the only process that loads native code (FFmpeg, whisper.cpp). It connects to its parent's
 * socket, loads the model once, and then serves one request at a time until told to stop or until its parent goes
 * away. If native code kills it, only the job in hand is affected; the parent starts a new child.
 *
 * <p>Arguments: socket path, model path, threads, timestamps (true/false), temperature fallback (true/false).
 */
public final class ChildMain {
    private ChildMain() {
    }

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        WhisperSettings settings = new WhisperSettings(Path.of(args[1]), Integer.parseInt(args[2]), 300,
                Boolean.parseBoolean(args[3]), Boolean.parseBoolean(args[4]), 5);
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
            try (engine) {
                frames.write(Frames.message("ready").put("model", engine.modelName()));
                serve(frames, engine);
            }
        }
        // Daemon threads of native libraries must not keep a finished child alive.
        System.exit(0);
    }

    private static void serve(Frames frames, WhisperEngine engine) throws IOException {
        while (true) {
            JsonNode request;
            try {
                request = frames.read();
            } catch (EOFException parentGone) {
                return;
            }
            String type = request.path("type").asText();
            try {
                switch (type) {
                    case "prepare": prepare(frames, request); break;
                    case "transcribe": transcribe(frames, engine, request); break;
                    case "stop": return;
                    default: frames.write(error("unknown request type '" + type + "'"));
                }
            } catch (MediaRejectedException e) {
                frames.write(Frames.message("rejected").put("code", e.code().name()).put("message", e.getMessage()));
            } catch (IOException | RuntimeException e) {
                frames.write(error(e.toString()));
            }
        }
    }

    private static void prepare(Frames frames, JsonNode request) throws IOException, MediaRejectedException {
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

    private static void transcribe(Frames frames, WhisperEngine engine, JsonNode request) throws IOException {
        long start = request.get("start_sample").asLong();
        int length = Math.toIntExact(request.get("end_sample").asLong() - start);
        float[] samples;
        try (PcmFile pcm = new PcmFile(Path.of(request.get("pcm").asText()))) {
            samples = pcm.read(start, length);
        }
        JobOptions options = new JobOptions(Optional.ofNullable(request.path("language").textValue()),
                JobOptions.Task.valueOf(request.get("task").asText()));
        long started = System.nanoTime();
        List<WhisperSegment> segments = engine.transcribe(samples, options);
        ObjectNode reply = Frames.message("segments").put("elapsed_ms", (System.nanoTime() - started) / 1_000_000);
        ArrayNode list = reply.putArray("segments");
        for (WhisperSegment segment : segments) {
            list.addObject().put("start", segment.start()).put("end", segment.end()).put("text", segment.text());
        }
        frames.write(reply);
    }

    private static ObjectNode error(String message) {
        return Frames.message("error").put("message", message);
    }
}
