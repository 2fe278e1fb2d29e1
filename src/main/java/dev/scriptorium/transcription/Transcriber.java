package dev.scriptorium.transcription;

import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.media.PcmFile;
import dev.scriptorium.media.QuietChunker;
import dev.scriptorium.speech.SpeechProbabilities;
import dev.scriptorium.speech.SpeechTimeline;
import dev.scriptorium.whisper.WhisperSegment;
import dev.scriptorium.whisper.WhisperWord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cuts the audio Whisper hears into chunks and stitches the chunks' segments, and their words, back on the file's
 * timeline. Chunking bounds memory and lets one file use several worker slots. With speech detection, Whisper hears
 * packed audio (see {@link SpeechTimeline}): chunks are cut between regions of speech, and a segment that runs over
 * the silence between two regions is split there by its words.
 */
public final class Transcriber {
    private final QuietChunker chunker;

    public Transcriber(QuietChunker chunker) {
        this.chunker = chunker;
    }

    public List<AudioChunk> plan(Path pcmPath) throws IOException {
        return plan(pcmPath, SpeechTimeline.whole(0));
    }

    /** @param pcmPath the audio Whisper hears: the packed audio of {@code timeline} */
    public List<AudioChunk> plan(Path pcmPath, SpeechTimeline timeline) throws IOException {
        try (PcmFile pcm = new PcmFile(pcmPath)) {
            return chunker.plan(pcm, timeline.gapCuts());
        }
    }

    /** {@link #stitch(List, List, double, JobOptions, SpeechTimeline, Optional)} without speech detection. */
    public List<TranscriptSegment> stitch(List<AudioChunk> chunks, List<List<WhisperSegment>> perChunk,
                                          double audioStart, JobOptions options) {
        return stitch(chunks, perChunk, audioStart, options, SpeechTimeline.whole(0), Optional.empty());
    }

    /**
     * @param perChunk      each chunk's segments, in chunk order, with times relative to the chunk
     * @param audioStart    where the PCM file's first sample lies on the media's timeline (a late audio track)
     * @param options       the job's options; with word timestamps, every segment carries its words
     * @param timeline      how the audio Whisper heard maps onto the PCM file
     * @param probabilities the speech probability of the PCM file's frames, which gives each segment its
     *                      {@code no_speech_prob}
     * @return the segments on the media's timeline: ordered, each word inside its segment
     */
    public List<TranscriptSegment> stitch(List<AudioChunk> chunks, List<List<WhisperSegment>> perChunk,
                                          double audioStart, JobOptions options, SpeechTimeline timeline,
                                          Optional<SpeechProbabilities> probabilities) {
        List<TranscriptSegment> segments = new ArrayList<>();
        double previousStart = 0;
        for (int i = 0; i < chunks.size(); i++) {
            AudioChunk chunk = chunks.get(i);
            for (WhisperSegment piece : perChunk.get(i)) {
                String text = piece.text().strip();
                if (text.isEmpty()) {
                    continue;
                }
                // Keep segments ordered and inside their chunk, whatever the decoder predicted.
                double start = clamp(chunk.startSeconds() + piece.start(), previousStart, chunk.endSeconds());
                double end = clamp(chunk.startSeconds() + piece.end(), start, chunk.endSeconds());
                List<TranscriptWord> words = options.wordTimestamps()
                        ? words(piece, chunk.startSeconds(), start, end)
                        : null;
                for (TranscriptSegment heard : onFileTimeline(new TranscriptSegment(start, end, text, words,
                        piece.avgLogprob()), timeline)) {
                    segments.add(onMedia(heard, audioStart, probabilities));
                }
                previousStart = start;
            }
        }
        return segments;
    }

    /** The piece's words moved by {@code offset}, kept in order inside the segment. */
    private static List<TranscriptWord> words(WhisperSegment piece, double offset, double segmentStart,
                                              double segmentEnd) {
        List<TranscriptWord> words = new ArrayList<>(piece.words().size());
        double previousEnd = segmentStart;
        for (WhisperWord word : piece.words()) {
            double start = clamp(offset + word.start(), previousEnd, segmentEnd);
            double end = clamp(offset + word.end(), start, segmentEnd);
            words.add(new TranscriptWord(word.text(), start, end, word.probability()));
            previousEnd = end;
        }
        return words;
    }

    /**
     * A segment of the packed audio on the PCM file's timeline; one that runs over the silence between regions of
     * speech becomes one segment per region its words fall in (without words it stays whole, from where it starts
     * to where it ends).
     */
    private static List<TranscriptSegment> onFileTimeline(TranscriptSegment heard, SpeechTimeline timeline) {
        if (!timeline.packs()) {
            return List.of(heard);
        }
        int firstRegion = timeline.regionAt(heard.start());
        int lastRegion = timeline.regionAt(heard.end());
        double start = timeline.originalStart(heard.start());
        double end = Math.max(start, timeline.originalEnd(heard.end()));
        if (!heard.hasWords() || firstRegion == lastRegion) {
            return List.of(moved(heard, heard.text(), start, end, heard.wordsOrNull(), timeline));
        }
        List<TranscriptSegment> parts = new ArrayList<>();
        List<TranscriptWord> group = new ArrayList<>();
        int groupRegion = -1;
        for (TranscriptWord word : heard.words()) {
            int region = timeline.regionAt((word.start() + word.end()) / 2);
            if (!group.isEmpty() && region != groupRegion) {
                parts.add(part(heard, group, parts.isEmpty() ? start : -1, -1, timeline));
                group = new ArrayList<>();
            }
            group.add(word);
            groupRegion = region;
        }
        parts.add(part(heard, group, parts.isEmpty() ? start : -1, end, timeline));
        return parts;
    }

    /** Some of a segment's words as a segment of their own; -1 takes the start or end from the words. */
    private static TranscriptSegment part(TranscriptSegment heard, List<TranscriptWord> words, double start,
                                          double end, SpeechTimeline timeline) {
        StringBuilder text = new StringBuilder();
        words.forEach(word -> text.append(word.text()));
        double from = start >= 0 ? start : timeline.originalStart(words.get(0).start());
        double to = end >= 0 ? end : timeline.originalEnd(words.get(words.size() - 1).end());
        return moved(heard, text.toString().strip(), from, Math.max(from, to), words, timeline);
    }

    private static TranscriptSegment moved(TranscriptSegment heard, String text, double start, double end,
                                           List<TranscriptWord> words, SpeechTimeline timeline) {
        List<TranscriptWord> mapped = null;
        if (words != null) {
            mapped = new ArrayList<>(words.size());
            double previousEnd = start;
            for (TranscriptWord word : words) {
                double wordStart = clamp(timeline.originalStart(word.start()), previousEnd, end);
                double wordEnd = clamp(timeline.originalEnd(word.end()), wordStart, end);
                mapped.add(new TranscriptWord(word.text(), wordStart, wordEnd, word.probability()));
                previousEnd = wordEnd;
            }
        }
        return new TranscriptSegment(start, end, text, mapped, heard.avgLogprob().orElse(null));
    }

    /** Shifted onto the media's timeline, with its no-speech probability where speech detection ran. */
    private static TranscriptSegment onMedia(TranscriptSegment segment, double audioStart,
                                             Optional<SpeechProbabilities> probabilities) {
        Double noSpeech = probabilities
                .map(speech -> Math.max(0, Math.min(1, 1 - speech.meanOver(segment.start(), segment.end()))))
                .orElse(null);
        if (audioStart == 0 && noSpeech == null) {
            return segment;
        }
        List<TranscriptWord> words = segment.wordsOrNull();
        if (words != null) {
            words = words.stream().map(word -> new TranscriptWord(word.text(), word.start() + audioStart,
                    word.end() + audioStart, word.probability())).toList();
        }
        return new TranscriptSegment(segment.start() + audioStart, segment.end() + audioStart, segment.text(),
                words, segment.avgLogprob().orElse(null)).withNoSpeechProb(noSpeech);
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }
}
