package dev.scriptorium.web;

import dev.scriptorium.transcription.JobStage;
import dev.scriptorium.transcription.JobStatus;
import dev.scriptorium.transcription.SpeechDetection;
import dev.scriptorium.transcription.TranscriptFormat;
import dev.scriptorium.transcription.TranscriptionJob;
import java.time.Instant;
import java.util.LinkedHashMap;
import dev.scriptorium.whisper.DetectedLanguage;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The JSON shape of a job in the API, also what the status cache holds and the status bus carries. Names are
 * snake_case through the mapper's naming strategy. {@code version} grows with every committed change of the job.
 * {@code reusedFrom} names the earlier job whose transcript of the same bytes this one copied instead of running
 * Whisper.
 */
public record JobView(
        UUID id,
        long version,
        String status,
        String stage,
        Progress progress,
        String filename,
        Media media,
        String language,
        String languageSource,
        Double languageProbability,
        List<DetectedLanguage.Candidate> languageAlternatives,
        String task,
        boolean wordTimestamps,
        boolean vad,
        String speechDetection,
        String note,
        String failureCode,
        String failureReason,
        String waitingReason,
        int attempts,
        Retention retention,
        UUID reusedFrom,
        Instant createdAt,
        Instant startedAt,
        Instant completedAt,
        Instant updatedAt,
        Map<String, Object> links) {

    /**
     * @param processedSeconds seconds of what Whisper hears that it has done: with speech detection, of the speech
     * @param speechSeconds    the speech Whisper hears, once speech detection has run; the percent counts it
     */
    public record Progress(double percent, double processedSeconds, Double durationSeconds, Double speechSeconds,
                           Double etaSeconds) {
    }

    /** {@code stored}: the media is in object storage (false before ingest and after retention deleted it). */
    public record Media(String container, String audioCodec, Double durationSeconds, Long sizeBytes,
                        boolean stored) {
    }

    /** When set, the job goes this long after it ends; a legal hold keeps it; media may have gone before the job. */
    public record Retention(Long deleteAfterSeconds, boolean legalHold, Instant mediaDeletedAt) {
    }

    /** What {@code POST /api/v1/jobs} answers. */
    record Accepted(UUID id, String status, Map<String, Object> links) {
    }

    /** @param waitingReason why a queued job is not moving, if there is a reason beyond the queue ahead of it */
    public static JobView of(TranscriptionJob job, java.util.Optional<String> waitingReason) {
        LanguageView language = LanguageView.of(job);
        Double duration = job.mediaDurationSeconds().orElse(null);
        Double speech = job.speechSeconds().orElse(null);
        Double heard = speech != null ? speech : duration;
        double percent = heard == null || heard <= 0 ? 0
                : Math.min(100, Math.round(job.processedSeconds() / heard * 1000) / 10.0);
        if (job.status() == JobStatus.COMPLETED) {
            percent = 100;
        }
        return new JobView(job.id(), job.version(), job.status().apiName(), job.stage().map(JobStage::apiName).orElse(null),
                new Progress(percent, job.processedSeconds(), duration, speech, job.etaSeconds().orElse(null)),
                job.filename(),
                new Media(job.mediaContainer().orElse(null), job.mediaAudioCodec().orElse(null), duration,
                        job.mediaSizeBytes().orElse(null), job.mediaKey().isPresent()),
                language.language(), language.languageSource(), language.languageProbability(),
                language.languageAlternatives(), job.task().apiName(), job.options().wordTimestamps(),
                job.options().vad(), job.speechDetection().map(SpeechDetection::apiName).orElse(null),
                job.note().orElse(null),
                job.failureCode().orElse(null), job.failureReason().orElse(null), waitingReason.orElse(null),
                job.attempts(),
                new Retention(job.deleteAfterSeconds().orElse(null), job.legalHold(),
                        job.mediaDeletedAt().orElse(null)),
                job.reusedFrom().orElse(null),
                job.createdAt(), job.startedAt().orElse(null), job.completedAt().orElse(null), job.updatedAt(),
                links(job.id()));
    }

    /** The same view with the waiting reason of the moment, which is never cached. */
    JobView withWaitingReason(java.util.Optional<String> reason) {
        return new JobView(id, version, status, stage, progress, filename, media, language, languageSource,
                languageProbability, languageAlternatives, task, wordTimestamps, vad, speechDetection, note,
                failureCode,
                failureReason, reason.orElse(null), attempts, retention, reusedFrom, createdAt, startedAt, completedAt, updatedAt,
                links);
    }

    boolean finished() {
        return status.equals("completed") || status.equals("failed") || status.equals("canceled");
    }

    static Accepted accepted(TranscriptionJob job) {
        return new Accepted(job.id(), job.status().apiName(), links(job.id()));
    }

    static String location(UUID id) {
        return "/api/v1/jobs/" + id;
    }

    private static Map<String, Object> links(UUID id) {
        Map<String, Object> transcript = new LinkedHashMap<>();
        for (TranscriptFormat format : TranscriptFormat.values()) {
            transcript.put(format.extension(), location(id) + "/transcript?format=" + format.extension());
        }
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("self", location(id));
        links.put("transcript", transcript);
        return links;
    }
}
