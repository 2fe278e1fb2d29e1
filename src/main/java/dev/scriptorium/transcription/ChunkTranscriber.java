package dev.scriptorium.transcription;

import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.whisper.WhisperSegment;
import java.nio.file.Path;
import java.util.List;

/** Runs Whisper on one chunk of a PCM file; segment times are relative to the chunk's start. */
@FunctionalInterface
public interface ChunkTranscriber {
    List<WhisperSegment> transcribe(Path pcm, AudioChunk chunk, JobOptions options) throws Exception;
}
