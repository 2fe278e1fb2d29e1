package dev.scriptorium.web;

import dev.scriptorium.transcription.LanguageSource;
import dev.scriptorium.transcription.TranscriptionJob;
import dev.scriptorium.whisper.DetectedLanguage;
import java.util.List;

/**
 * The language fields of a job and its transcript: the code used ({@code auto} until detection has run), where it
 * came from ({@code requested}, {@code detected}, or {@code model} for an English-only model), and for a detected
 * language its probability and the next two candidates with theirs.
 */
record LanguageView(String language, String languageSource, Double languageProbability,
                    List<DetectedLanguage.Candidate> languageAlternatives) {

    static LanguageView of(TranscriptionJob job) {
        String source = job.languageSource().map(LanguageSource::apiName)
                .orElse(job.language().isPresent() ? LanguageSource.REQUESTED.apiName() : null);
        boolean detected = job.languageSource().filter(LanguageSource.DETECTED::equals).isPresent();
        return new LanguageView(job.pinnedLanguage().or(job::language).orElse("auto"), source,
                detected ? job.languageProbability().orElse(null) : null,
                detected ? job.languageCandidates() : null);
    }
}
