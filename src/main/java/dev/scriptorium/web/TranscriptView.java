package dev.scriptorium.web;

import dev.scriptorium.transcription.SegmentFlag;
import dev.scriptorium.transcription.Transcript;
import dev.scriptorium.transcription.TranscriptSegment;
import dev.scriptorium.transcription.TranscriptWord;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.whisper.DetectedLanguage;
import java.util.List;
import java.util.UUID;

/**
 * The JSON shape of a transcript: the whole text, the language it was transcribed in, and the segments with their
 * words, confidence and flags; times in seconds from the start of the file. A transcript stored before words existed
 * has empty {@code words} and null measures.
 */
record TranscriptView(UUID jobId, String model, String language, String languageSource, Double languageProbability,
                      List<DetectedLanguage.Candidate> languageAlternatives, String text, List<Segment> segments) {

    record Segment(double start, double end, String text, List<Word> words, Double avgLogprob,
                   Double compressionRatio, Double confidence, Double noSpeechProb, List<String> flags) {
    }

    record Word(String text, double start, double end, double probability) {
    }

    static TranscriptView of(Transcript transcript, TranscriptionJob job) {
        LanguageView language = LanguageView.of(job);
        return new TranscriptView(transcript.jobId(), transcript.model(), language.language(),
                language.languageSource(), language.languageProbability(), language.languageAlternatives(),
                transcript.text(), transcript.segments().stream().map(TranscriptView::segment).toList());
    }

    private static Segment segment(TranscriptSegment segment) {
        return new Segment(segment.start(), segment.end(), segment.text(),
                segment.words().stream().map(TranscriptView::word).toList(), segment.avgLogprob().orElse(null),
                segment.compressionRatio().orElse(null), segment.confidence().orElse(null),
                segment.noSpeechProb().orElse(null), segment.flags().stream().map(SegmentFlag::apiName).toList());
    }

    private static Word word(TranscriptWord word) {
        return new Word(word.text(), word.start(), word.end(), word.probability());
    }
}
