package dev.scriptorium.transcription;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import dev.scriptorium.whisper.DetectedLanguage;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import java.util.UUID;

/**
 * One uploaded file and what became of it. Every state change goes through {@link #moveTo}, which consults
 * {@link JobTransitions}. Not thread-safe: load, change and save it within one transaction.
 */
@Entity
@Table(name = "transcription_job")
public class TranscriptionJob {
    @Id
    private UUID id;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private JobStatus status;
    @Enumerated(EnumType.STRING)
    private JobStage stage;
    @Column(nullable = false)
    private String filename;
    private String language;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private JobOptions.Task task;
    @Column(name = "word_timestamps", nullable = false)
    private boolean wordTimestamps = true;
    @Column(nullable = false)
    private boolean vad = true;
    @Column(name = "speech_detection")
    private String speechDetection;
    @Column(name = "speech_seconds")
    private Double speechSeconds;
    @Column(name = "speech_plan")
    private String speechPlan;
    private String note;
    private String prompt;
    @Column(name = "pinned_language")
    private String pinnedLanguage;
    @Column(name = "language_source")
    private String languageSource;
    @Column(name = "language_probability")
    private Double languageProbability;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "language_candidates")
    private List<DetectedLanguage.Candidate> languageCandidates;
    @Column(name = "media_key")
    private String mediaKey;
    @Column(name = "media_container")
    private String mediaContainer;
    @Column(name = "media_audio_codec")
    private String mediaAudioCodec;
    @Column(name = "media_duration_seconds")
    private Double mediaDurationSeconds;
    @Column(name = "media_size_bytes")
    private Long mediaSizeBytes;
    @Column(name = "processed_seconds", nullable = false)
    private double processedSeconds;
    @Column(name = "failure_code")
    private String failureCode;
    @Column(name = "failure_reason")
    private String failureReason;
    @Column(nullable = false)
    private int attempts;
    @Column(nullable = false)
    private int crashes;
    @Column(nullable = false)
    private int timeouts;
    @Column(nullable = false)
    private boolean quarantined;
    @Column(name = "eta_seconds")
    private Double etaSeconds;
    @Column(name = "owner_key")
    private UUID ownerKey;
    @Column(name = "webhook_url")
    private String webhookUrl;
    @Column(name = "source_url")
    private String sourceUrl;
    @Column(name = "media_sha256")
    private String mediaSha256;
    @Column(name = "reused_from")
    private UUID reusedFrom;
    @Column(nullable = false)
    private boolean reuse = true;
    @Column(name = "delete_after_seconds")
    private Long deleteAfterSeconds;
    @Column(name = "legal_hold", nullable = false)
    private boolean legalHold;
    @Column(name = "media_deleted_at")
    private Instant mediaDeletedAt;
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;
    @Column(name = "started_at")
    private Instant startedAt;
    @Column(name = "completed_at")
    private Instant completedAt;
    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;
    @Version
    private long version;

    protected TranscriptionJob() {
    }

    public static TranscriptionJob queued(UUID id, String filename, JobOptions options, long sizeBytes, Instant now) {
        return queued(id, filename, options, Long.valueOf(sizeBytes), now);
    }

    /** @param sizeBytes the upload's size; null while unknown (media fetched by URL) */
    public static TranscriptionJob queued(UUID id, String filename, JobOptions options, Long sizeBytes, Instant now) {
        TranscriptionJob job = new TranscriptionJob();
        job.id = id;
        job.status = JobStatus.QUEUED;
        job.filename = filename;
        job.language = options.language().orElse(null);
        job.task = options.task();
        job.wordTimestamps = options.wordTimestamps();
        job.vad = options.vad();
        job.prompt = options.prompt().orElse(null);
        job.mediaSizeBytes = sizeBytes;
        job.createdAt = now;
        job.updatedAt = now;
        return job;
    }

    /** Enters (or moves on to) a processing stage. */
    public void startStage(JobStage next, Instant now) {
        moveTo(JobStatus.PROCESSING, now);
        stage = next;
        if (startedAt == null) {
            startedAt = now;
        }
    }

    /**
     * Records what speech detection did for this attempt: whether it ran, how much speech it found, the packing the
     * chunks are cut from, and a note for the user (why it did not run, or that nobody spoke).
     */
    public void speechDetected(SpeechDetection detection, Double seconds, String plan, String userNote,
                               Instant now) {
        speechDetection = detection.apiName();
        speechSeconds = seconds;
        speechPlan = plan;
        note = userNote;
        updatedAt = now;
    }

    /**
     * Takes back the attempt just counted: it failed only because the database was away, which says nothing about
     * the job, so it must not use up the job's attempts.
     */
    public void forgiveAttempt(Instant now) {
        attempts = Math.max(0, attempts - 1);
        updatedAt = now;
    }

    /** Counts one more attempt at the transcription step. */
    public void beginAttempt(Instant now) {
        attempts++;
        processedSeconds = 0;
        startStage(JobStage.EXTRACTING_AUDIO, now);
    }

    /** The media is in object storage; the job now waits for a transcription worker. */
    public void stored(String key, long sizeBytes, Instant now) {
        // Only an ingesting job hands over: queued is also where a retry leads, and a canceled job must stay so.
        requireStatus(JobStatus.PROCESSING, JobStatus.QUEUED);
        moveTo(JobStatus.QUEUED, now);
        stage = null;
        mediaKey = key;
        mediaSizeBytes = sizeBytes;
    }

    /** An attempt broke off for a reason unrelated to the media; the job waits for the next attempt. */
    public void requeue(String reason, Instant now) {
        requireStatus(JobStatus.PROCESSING, JobStatus.QUEUED);
        moveTo(JobStatus.QUEUED, now);
        stage = null;
        failureReason = reason;
    }

    public void probed(String container, String audioCodec, double durationSeconds, Instant now) {
        updatedAt = now;
        mediaContainer = container;
        mediaAudioCodec = audioCodec;
        mediaDurationSeconds = durationSeconds;
    }

    /**
     * Fixes the language every chunk of this job is transcribed in, once: a requested language, the detected one, or
     * English for an English-only model. Later calls change nothing, so a retried attempt keeps the first answer.
     */
    public void pinLanguage(LanguageSource source, String code, Double probability,
                            List<DetectedLanguage.Candidate> candidates, Instant now) {
        if (pinnedLanguage != null) {
            return;
        }
        pinnedLanguage = code;
        languageSource = source.apiName();
        languageProbability = probability;
        languageCandidates = candidates == null || candidates.isEmpty() ? null : List.copyOf(candidates);
        updatedAt = now;
    }

    public void progressed(double seconds, Double eta, Instant now) {
        processedSeconds = seconds;
        etaSeconds = eta;
        updatedAt = now;
    }

    /** The worker died on this file; counts towards CRASH_RETRIES. */
    public void crashed(Instant now) {
        crashes++;
        updatedAt = now;
    }

    /** The worker stopped this job's child: it hung, or ran past the time limit. One timeout is retried. */
    public void timedOut(Instant now) {
        timeouts++;
        updatedAt = now;
    }

    /** Failed for good on a file that crashes workers: no automatic retry may pick it up again. */
    public void quarantine(FailureCode code, String reason, Instant now) {
        fail(code, reason, now);
        quarantined = true;
    }

    /**
     * An operator's retry of a failed or canceled job: back to the queue with a clean slate (attempts, crashes,
     * timeouts and quarantine reset; the attempt history stays in job_attempt).
     */
    public void retry(Instant now) {
        if (status != JobStatus.FAILED && status != JobStatus.CANCELED) {
            throw new IllegalTransitionException(status, JobStatus.QUEUED);
        }
        moveTo(JobStatus.QUEUED, now);
        stage = null;
        failureCode = null;
        failureReason = "Retried by an operator.";
        attempts = 0;
        crashes = 0;
        timeouts = 0;
        quarantined = false;
        processedSeconds = 0;
        etaSeconds = null;
        completedAt = null;
    }

    /** Where the ingest queue fetches the media from (http, https or s3), instead of a staged upload. */
    public void fetchFrom(java.net.URI source) {
        this.sourceUrl = source == null ? null : source.toString();
    }

    /** Where the job's end is announced; without it, the owner key's default URL, if any. */
    public void announceTo(java.net.URI url) {
        this.webhookUrl = url == null ? null : url.toString();
    }

    /** The API key that created the job; none for anonymous use. */
    public void ownedBy(UUID key) {
        ownerKey = key;
    }

    /** Keeps the job, its media and its transcript whatever the retention policy says, until lifted. */
    public void legalHold(boolean held, Instant now) {
        legalHold = held;
        updatedAt = now;
    }

    /**
     * Deletes the job, media and transcript this long after the job ends, instead of what the policy says.
     */
    public void deleteAfter(Long seconds) {
        deleteAfterSeconds = seconds;
    }

    public void cancel(Instant now) {
        moveTo(JobStatus.CANCELED, now);
        stage = null;
        etaSeconds = null;
        completedAt = now;
    }

    public void complete(Instant now) {
        moveTo(JobStatus.COMPLETED, now);
        stage = null;
        etaSeconds = null;
        failureCode = null;
        failureReason = null;
        if (mediaDurationSeconds != null) {
            processedSeconds = mediaDurationSeconds;
        }
        completedAt = now;
    }

    /** Whether an earlier transcript of byte-identical media may stand in for running Whisper (the default). */
    public void allowReuse(boolean allowed) {
        reuse = allowed;
    }

    /** The stored media's SHA-256, once ingest has stored it. */
    public void hashed(String sha256) {
        mediaSha256 = sha256;
    }

    /**
     * Completes an ingesting job with a copy of an earlier job's result, for the same bytes and options: what its
     * media was, what language and speech were found, and that it was reused. The transcript is copied beside it.
     */
    public void completeAsCopyOf(TranscriptionJob earlier, String key, long sizeBytes, Instant now) {
        requireStatus(JobStatus.PROCESSING, JobStatus.COMPLETED);
        mediaKey = key;
        mediaSizeBytes = sizeBytes;
        mediaContainer = earlier.mediaContainer;
        mediaAudioCodec = earlier.mediaAudioCodec;
        mediaDurationSeconds = earlier.mediaDurationSeconds;
        pinnedLanguage = earlier.pinnedLanguage;
        languageSource = earlier.languageSource;
        languageProbability = earlier.languageProbability;
        languageCandidates = earlier.languageCandidates;
        speechDetection = earlier.speechDetection;
        speechSeconds = earlier.speechSeconds;
        speechPlan = earlier.speechPlan;
        note = earlier.note;
        reusedFrom = earlier.id;
        if (startedAt == null) {
            startedAt = now;
        }
        complete(now);
    }

    public void fail(FailureCode code, String reason, Instant now) {
        moveTo(JobStatus.FAILED, now);
        stage = null;
        etaSeconds = null;
        failureCode = code.apiName();
        failureReason = reason;
        completedAt = now;
    }

    /** For moves the table allows from several statuses but this change only from one. */
    private void requireStatus(JobStatus expected, JobStatus next) {
        if (status != expected) {
            throw new IllegalTransitionException(status, next);
        }
    }

    private void moveTo(JobStatus next, Instant now) {
        JobTransitions.check(status, next);
        status = next;
        updatedAt = now;
    }

    public UUID id() { return id; }
    public JobStatus status() { return status; }
    public Optional<JobStage> stage() { return Optional.ofNullable(stage); }
    public String filename() { return filename; }
    public Optional<String> language() { return Optional.ofNullable(language); }
    public JobOptions.Task task() { return task; }
    /** What the user asked for. */
    public JobOptions options() {
        return new JobOptions(language(), task, wordTimestamps, vad, Optional.ofNullable(prompt));
    }
    /** What the chunks are transcribed with: the options, with the pinned language once there is one. */
    public JobOptions effectiveOptions() {
        return pinnedLanguage == null ? options() : options().withLanguage(pinnedLanguage);
    }
    /** The language the job runs in, once pinned. */
    public Optional<SpeechDetection> speechDetection() {
        return Optional.ofNullable(speechDetection).map(SpeechDetection::fromApiName);
    }
    /** Seconds of speech Whisper hears, once speech detection has run. */
    public Optional<Double> speechSeconds() { return Optional.ofNullable(speechSeconds); }
    /** Names the packing the job's chunks were cut from (see {@code SpeechTimeline#fingerprint}). */
    public Optional<String> speechPlan() { return Optional.ofNullable(speechPlan); }
    /** Something a user should know about the result, such as that nobody spoke. */
    public Optional<String> note() { return Optional.ofNullable(note); }
    public Optional<String> pinnedLanguage() { return Optional.ofNullable(pinnedLanguage); }
    public Optional<LanguageSource> languageSource() {
        return Optional.ofNullable(languageSource).map(LanguageSource::parse);
    }
    public Optional<Double> languageProbability() { return Optional.ofNullable(languageProbability); }
    public List<DetectedLanguage.Candidate> languageCandidates() {
        return languageCandidates == null ? List.of() : List.copyOf(languageCandidates);
    }
    public Optional<String> mediaKey() { return Optional.ofNullable(mediaKey); }
    public Optional<String> mediaContainer() { return Optional.ofNullable(mediaContainer); }
    public Optional<String> mediaAudioCodec() { return Optional.ofNullable(mediaAudioCodec); }
    public Optional<Double> mediaDurationSeconds() { return Optional.ofNullable(mediaDurationSeconds); }
    public Optional<Long> mediaSizeBytes() { return Optional.ofNullable(mediaSizeBytes); }
    public double processedSeconds() { return processedSeconds; }
    public Optional<String> failureCode() { return Optional.ofNullable(failureCode); }
    public Optional<String> failureReason() { return Optional.ofNullable(failureReason); }
    public int attempts() { return attempts; }
    public int crashes() { return crashes; }
    public int timeouts() { return timeouts; }
    public boolean quarantined() { return quarantined; }
    public Optional<Double> etaSeconds() { return Optional.ofNullable(etaSeconds); }
    public Optional<UUID> ownerKey() { return Optional.ofNullable(ownerKey); }
    public Optional<String> mediaSha256() { return Optional.ofNullable(mediaSha256); }
    public Optional<UUID> reusedFrom() { return Optional.ofNullable(reusedFrom); }
    public boolean reuseAllowed() { return reuse; }
    public Optional<java.net.URI> sourceUrl() { return Optional.ofNullable(sourceUrl).map(java.net.URI::create); }
    public Optional<java.net.URI> webhookUrl() { return Optional.ofNullable(webhookUrl).map(java.net.URI::create); }
    public Optional<Long> deleteAfterSeconds() { return Optional.ofNullable(deleteAfterSeconds); }
    public boolean legalHold() { return legalHold; }
    public Optional<Instant> mediaDeletedAt() { return Optional.ofNullable(mediaDeletedAt); }
    public Instant createdAt() { return createdAt; }
    public Optional<Instant> startedAt() { return Optional.ofNullable(startedAt); }
    public Optional<Instant> completedAt() { return Optional.ofNullable(completedAt); }
    public Instant updatedAt() { return updatedAt; }
    /** Grows by one with every committed change (optimistic-lock version). */
    public long version() { return version; }
}
