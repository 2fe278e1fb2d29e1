package dev.scriptorium.web;

import dev.scriptorium.correction.Corrections;
import dev.scriptorium.correction.SegmentRevision;
import dev.scriptorium.transcription.SegmentFlag;
import dev.scriptorium.transcription.Transcript;
import dev.scriptorium.transcription.TranscriptSegment;
import dev.scriptorium.transcription.TranscriptWord;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.whisper.DetectedLanguage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The JSON shape of a transcript: the whole text, the language it was transcribed in, and the segments with their
 * words, confidence and flags; times in seconds from the start of the file. A transcript stored before words existed
 * has empty {@code words} and null measures. An edited segment says so, with its revision, who edited it and when;
 * its text and words are the edit's, and Whisper's measures of Whisper's text (avg_logprob, no_speech_prob) are
 * null; its confidence is that of the words it kept.
 */
record TranscriptView(UUID jobId, String model, String language, String languageSource, Double languageProbability,
                      List<DetectedLanguage.Candidate> languageAlternatives, String text, List<Segment> segments) {

    /**
     * @param id          the segment's number, from 0: the {@code n} of its edit URL
     * @param revision    0 for Whisper's text, else the number of the edit shown
     * @param wordTimings for an edited segment, "kept" where its words kept Whisper's timings, "edited" where only
     *                    its span stands; null otherwise
     */
    record Segment(int id, double start, double end, String text, List<Word> words, Double avgLogprob,
                   Double compressionRatio, Double confidence, Double noSpeechProb, List<String> flags,
                   boolean edited, int revision, String editedBy, Instant editedAt, String wordTimings) {
    }

    record Word(String text, double start, double end, double probability) {
    }

    /** Whisper's transcript as it came out. */
    static TranscriptView original(Transcript transcript, TranscriptionJob job) {
        return of(transcript, job, Map.of());
    }

    /** The transcript with each edited segment in its latest revision. */
    static TranscriptView of(Transcript original, TranscriptionJob job, Map<Integer, SegmentRevision> latest) {
        Transcript shown = Corrections.applied(original, latest);
        LanguageView language = LanguageView.of(job);
        List<Segment> segments = new ArrayList<>();
        List<TranscriptSegment> all = shown.segments();
        for (int number = 0; number < all.size(); number++) {
            segments.add(segment(number, all.get(number), latest.get(number)));
        }
        return new TranscriptView(shown.jobId(), shown.model(), language.language(),
                language.languageSource(), language.languageProbability(), language.languageAlternatives(),
                shown.text(), segments);
    }

    static Segment segment(int number, TranscriptSegment segment, SegmentRevision revision) {
        return new Segment(number, segment.start(), segment.end(), segment.text(),
                segment.words().stream().map(TranscriptView::word).toList(), segment.avgLogprob().orElse(null),
                segment.compressionRatio().orElse(null), segment.confidence().orElse(null),
                segment.noSpeechProb().orElse(null), segment.flags().stream().map(SegmentFlag::apiName).toList(),
                revision != null, revision == null ? 0 : revision.revision(),
                revision == null ? null : revision.editedBy(), revision == null ? null : revision.editedAt(),
                revision == null ? null : revision.wordTimings());
    }

    private static Word word(TranscriptWord word) {
        return new Word(word.text(), word.start(), word.end(), word.probability());
    }
}
