package dev.scriptorium.transcription;

import dev.scriptorium.database.DatabaseOutage;
import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.media.ExtractedAudio;
import dev.scriptorium.media.LoudestWindow;
import dev.scriptorium.media.MediaFile;
import dev.scriptorium.media.MediaRejectedException;
import dev.scriptorium.media.PcmFile;
import dev.scriptorium.whisper.DetectedLanguage;
import dev.scriptorium.metrics.Metrics;
import dev.scriptorium.sandbox.ChildCrashedException;
import dev.scriptorium.sandbox.JobWatch;
import dev.scriptorium.sandbox.Sandbox;
import dev.scriptorium.sandbox.SlotStoppedException;
import dev.scriptorium.sandbox.SpeechDetectionRun;
import dev.scriptorium.speech.SpeechProbabilities;
import dev.scriptorium.speech.SpeechRegions;
import dev.scriptorium.speech.SpeechSettings;
import dev.scriptorium.speech.SpeechTimeline;
import dev.scriptorium.sandbox.TimedOutException;
import dev.scriptorium.sandbox.WorkerSlots;
import dev.scriptorium.storage.ObjectStore;
import dev.scriptorium.whisper.WhisperSegment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jobrunr.jobs.annotations.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Fetches a job's media into a private temp directory, has a sandboxed child probe it, extract 16 kHz mono audio and
 * run Whisper chunk by chunk, and stores the transcript. Safe to run again: a finished job is left alone, and the
 * transcript is stored at most once.
 *
 * <p>How an attempt can end, besides completing: a problem with the media fails the job at once with its own code;
 * a crashed child fails the attempt with {@code worker_crashed} and the job is tried again up to CRASH_RETRIES times,
 * then quarantined; a child that hung or ran past the time limit fails the attempt with {@code timeout}, and the job
 * is tried once more on a fresh child before it fails; a canceled job is left canceled; a stopping worker puts the
 * job back in the queue; anything else puts the job back in the queue until {@code maxAttempts}. Every attempt is
 * recorded.
 */
public final class TranscribeStep {
    private static final Logger log = LoggerFactory.getLogger(TranscribeStep.class);
    /** A hang or a run past the time limit may be bad luck (a stuck mount, a loaded node): one more try, then fail. */
    private static final int TIMEOUT_RETRIES = 1;
    static final String NO_SPEECH_NOTE = "No speech detected: speech detection heard only silence, music or noise in"
            + " this file, so the transcript is empty. To have Whisper hear all of it anyway, upload it again with"
            + " vad=false.";
    private final TranscriptionJobs jobs;
    private final ObjectStore store;
    private final WorkerSlots slots;
    private final Transcriber transcriber;
    private final ChunkCheckpoints checkpoints;
    private final ChunkClaims claims;
    private final TranscriptionQueue queue;
    private final PipelineSettings settings;
    private final SpeechSettings speech;
    private final Metrics metrics;

    /** What Whisper hears of a file: its packed speech, or all of it. */
    private record HeardAudio(Path pcm, SpeechTimeline timeline, Optional<SpeechProbabilities> probabilities) {
    }

    public TranscribeStep(TranscriptionJobs jobs, ObjectStore store, WorkerSlots slots, Transcriber transcriber,
                          ChunkCheckpoints checkpoints, ChunkClaims claims, TranscriptionQueue queue,
                          PipelineSettings settings, SpeechSettings speech, Metrics metrics) {
        this.metrics = metrics;
        this.speech = speech;
        this.jobs = jobs;
        this.store = store;
        this.slots = slots;
        this.transcriber = transcriber;
        this.checkpoints = checkpoints;
        this.claims = claims;
        this.queue = queue;
        this.settings = settings;
    }

    @Job(name = "transcribe %0", retries = 20)
    public void transcribe(UUID jobId) throws Exception {
        Optional<TranscriptionJob> found = jobs.find(jobId);
        if (found.isEmpty() || found.get().status().isFinished()) {
            return;
        }
        TranscriptionJob job = found.get();
        if (job.mediaKey().isEmpty()) {
            log.warn("Job {} reached transcription before its media was stored; skipping", jobId);
            return;
        }
        if (job.attempts() >= settings.maxAttempts()) {
            fail(jobId, FailureCode.INTERNAL_ERROR, "Transcription failed " + job.attempts() + " times for a reason"
                    + " on our side, not in your file. Upload it again later; the operator's log has the details"
                    + " under job " + jobId + ".");
            return;
        }
        Sandbox sandbox = slots.acquire();
        sandbox.beginJob(jobId);
        try {
            attempt(job, sandbox);
        } finally {
            sandbox.restartIfGone();
            sandbox.endJob();
            slots.release(sandbox);
        }
    }

    private void attempt(TranscriptionJob job, Sandbox sandbox) throws Exception {
        UUID jobId = job.id();
        int attempt = job.attempts() + 1;
        Instant started = now();
        jobs.advance(jobId, j -> j.beginAttempt(started));
        Watch watch = new Watch(jobId, started);
        StringBuilder chunking = new StringBuilder();
        try (JobWorkspace workspace = JobWorkspace.create(settings.workDir(), jobId)) {
            List<TranscriptSegment> segments = process(job, attempt, workspace, sandbox, watch, chunking);
            jobs.advance(jobId, j -> j.startStage(JobStage.STORING, now()));
            long storing = System.nanoTime();
            Transcript transcript = new Transcript(jobId, segments, sandbox.model(), now());
            JobAttempt completed = new JobAttempt(jobId, attempt, started, now(), "completed", null,
                    chunking.toString()).withChildLog(sandbox.recentLog());
            if (jobs.complete(jobId, transcript, completed)) {
                metrics.stageTook(JobStage.STORING, Duration.ofNanos(System.nanoTime() - storing));
                log.debug("Job {} transcribed: {} segments in {} ms", jobId, segments.size(),
                        Duration.between(started, now()).toMillis());
            }
        } catch (MediaRejectedException e) {
            log.debug("Job {} rejected: {} ({})", jobId, e.code().apiName(), e.getMessage());
            record(sandbox, jobId, attempt, started, "failed", e.code(), e.getMessage());
            fail(jobId, e.code(), e.getMessage());
        } catch (JobCanceledException e) {
            record(sandbox, jobId, attempt, started, "canceled", null, null);
            log.debug("Job {} canceled while processing; its worker was stopped", jobId);
        } catch (TimedOutException e) {
            timedOut(jobId, attempt, started, e, Duration.between(started, watch.deadline()), sandbox);
        } catch (SlotStoppedException e) {
            record(sandbox, jobId, attempt, started, "interrupted", null, "worker stopping");
            requeue(jobId, "The worker stopped while transcribing; the job will be resumed.");
            // Thrown so that JobRunr schedules the job again, on whichever worker takes it.
            throw e;
        } catch (ChildCrashedException e) {
            crashed(jobId, attempt, started, e, sandbox);
        } catch (InterruptedException e) {
            record(sandbox, jobId, attempt, started, "interrupted", null, "worker stopping");
            requeue(jobId, "The worker stopped while transcribing; the job will be resumed.");
            Thread.currentThread().interrupt();
            throw e;
        } catch (Exception e) {
            if (DatabaseOutage.causedBy(e)) {
                // The database went away mid-attempt (a restart): not the job's fault, so not one of its attempts.
                log.warn("Attempt {} at job {} stopped: the database is unavailable ({}); the job will be resumed",
                        attempt, jobId, e.toString());
                record(sandbox, jobId, attempt, started, "interrupted", null, "database unavailable");
                requeueForgiving(jobId, "The database was briefly unavailable; the job will be resumed.");
                throw e;
            }
            log.warn("Attempt {} at job {} failed", attempt, jobId, e);
            record(sandbox, jobId, attempt, started, "error", FailureCode.INTERNAL_ERROR, e.toString());
            requeue(jobId, "Attempt " + attempt + " of " + settings.maxAttempts()
                    + " failed for a reason on our side; the job will be tried again.");
            throw e;
        }
    }

    private List<TranscriptSegment> process(TranscriptionJob job, int attempt, JobWorkspace workspace,
                                            Sandbox sandbox, Watch watch, StringBuilder chunking) throws Exception {
        UUID jobId = job.id();
        long preparing = System.nanoTime();
        Path media = workspace.file("media");
        try {
            store.download(job.mediaKey().orElseThrow(), media);
        } catch (NoSuchKeyException e) {
            throw new MediaRejectedException(FailureCode.MEDIA_MISSING,
                    "The stored media is gone (it may have expired). Upload the file again.");
        }
        Path pcm = workspace.file("audio.f32");
        ExtractedAudio audio = sandbox.prepare(media, pcm, job.filename(), settings.maxDurationSeconds(), watch,
                info -> {
                    jobs.advance(jobId, j -> j.probed(info.container(), info.audioCodec(), info.durationSeconds(),
                            now()));
                    watch.extend(info.durationSeconds(), sandbox.secondsPerAudioSecond());
                });
        double seconds = audio.seconds();
        jobs.advance(jobId, j -> {
            if (j.mediaDurationSeconds().orElse(0.0) <= 0) {
                j.probed(j.mediaContainer().orElse("unknown"), j.mediaAudioCodec().orElse("unknown"), seconds,
                        now());
            }
        });
        watch.extend(seconds, sandbox.secondsPerAudioSecond());
        long detecting = System.nanoTime();
        metrics.stageTook(JobStage.EXTRACTING_AUDIO, Duration.ofNanos(detecting - preparing));
        HeardAudio heard = hear(job, workspace, pcm, audio.samples(), sandbox, watch);
        long transcribingSince = System.nanoTime();
        if (heard.timeline().packs()) {
            metrics.stageTook(JobStage.DETECTING_SPEECH, Duration.ofNanos(transcribingSince - detecting));
        }
        if (heard.timeline().noSpeech()) {
            // Nothing for Whisper: an empty transcript, with the job's note saying why.
            return List.of();
        }
        jobs.advance(jobId, j -> j.startStage(JobStage.TRANSCRIBING, now()));
        Path hearing = heard.pcm();
        List<AudioChunk> chunks = transcriber.plan(hearing, heard.timeline());
        // Pinned before any chunk is offered, so that helpers on other slots read the same language from the job.
        JobOptions options = pinLanguage(jobId, hearing, sandbox, watch);
        double heardSeconds = heard.timeline().packedSamples() / (double) MediaFile.SAMPLE_RATE;
        // Progress and its ETA count the speech Whisper hears, not the silence between its regions.
        double speechPerHeard = heard.timeline().packs() && heardSeconds > 0
                ? heard.timeline().speechSeconds() / heardSeconds : 1;
        try (SharedChunks shared = new SharedChunks(store, queue, checkpoints, jobId, attempt, workspace.directory())) {
            if (chunks.size() > 1 && queue.hasOtherSlots()) {
                shared.offer(hearing, chunks);
            }
            ChunkRun run = new ChunkRun(jobId, chunks, checkpoints, claims, watch,
                    (chunk, leased, withinChunk) -> {
                        long chunkStarted = System.nanoTime();
                        List<WhisperSegment> segments = sandbox.transcribe(hearing, chunk, options, leased,
                                withinChunk);
                        metrics.chunkTranscribed(sandbox.model(), slots.settings().device(),
                                chunk.endSeconds() - chunk.startSeconds(),
                                (System.nanoTime() - chunkStarted) / 1e9);
                        return segments;
                    },
                    done -> {
                        double elapsed = (System.nanoTime() - transcribingSince) / 1e9;
                        Double eta = done > 0 ? (heardSeconds - done) * elapsed / done : null;
                        progressed(jobId, done * speechPerHeard, eta);
                    });
            try {
                List<TranscriptSegment> stitched = transcriber.stitch(chunks, run.run(), audio.startSeconds(),
                        options, heard.timeline(), heard.probabilities());
                metrics.stageTook(JobStage.TRANSCRIBING, Duration.ofNanos(System.nanoTime() - transcribingSince));
                return stitched;
            } finally {
                chunking.append(run.describe());
            }
        }
    }

    /**
     * Runs speech detection unless the job asked for all of its audio or the model is missing, and records on the
     * job what it did. A retried attempt packs its speech again (detection is deterministic); if the packing differs
     * from the one its checkpoints were cut from (the model appeared, say), those checkpoints are dropped.
     */
    private HeardAudio hear(TranscriptionJob job, JobWorkspace workspace, Path pcm, long samples, Sandbox sandbox,
                            Watch watch) throws Exception {
        UUID jobId = job.id();
        SpeechTimeline whole = SpeechTimeline.whole(samples);
        if (!job.options().vad()) {
            return recorded(job, new HeardAudio(pcm, whole, Optional.empty()), SpeechDetection.OFF, null);
        }
        if (!speech.modelPresent()) {
            return recorded(job, new HeardAudio(pcm, whole, Optional.empty()), SpeechDetection.UNAVAILABLE,
                    speech.missingModelNote());
        }
        jobs.advance(jobId, j -> j.startStage(JobStage.DETECTING_SPEECH, now()));
        Path probabilitiesFile = workspace.file("speech.f32");
        SpeechDetectionRun run = sandbox.detectSpeech(pcm, speech.model(), probabilitiesFile, watch, fraction -> { });
        if (run.unavailable().isPresent()) {
            return recorded(job, new HeardAudio(pcm, whole, Optional.empty()), SpeechDetection.UNAVAILABLE,
                    "Speech detection is off: " + run.unavailable().get());
        }
        SpeechProbabilities probabilities = SpeechProbabilities.read(probabilitiesFile);
        SpeechTimeline timeline = SpeechTimeline.packing(SpeechRegions.of(probabilities.frames(), samples, speech),
                samples);
        metrics.speechDetected(timeline.originalSeconds(), timeline.speechSeconds());
        log.debug("Job {}: {} s of speech in {} s, found in {} s", jobId, Math.round(timeline.speechSeconds()),
                Math.round(timeline.originalSeconds()), run.elapsedSeconds());
        if (timeline.noSpeech()) {
            return recorded(job, new HeardAudio(pcm, timeline, Optional.of(probabilities)), SpeechDetection.APPLIED,
                    NO_SPEECH_NOTE);
        }
        Path packed = workspace.file("speech.pcm");
        timeline.writePacked(pcm, packed);
        return recorded(job, new HeardAudio(packed, timeline, Optional.of(probabilities)), SpeechDetection.APPLIED,
                null);
    }

    private HeardAudio recorded(TranscriptionJob job, HeardAudio heard, SpeechDetection detection, String note) {
        String plan = heard.timeline().fingerprint();
        // Without a recorded packing, any checkpoints were cut from the whole file (an attempt from before speech
        // detection existed): only a whole-file plan may reuse them.
        if (!job.speechPlan().map(plan::equals).orElse(!heard.timeline().packs())) {
            log.info("Job {}: its audio is packed differently from the last attempt; its chunks start over",
                    job.id());
            checkpoints.clear(job.id());
        }
        Double speechSeconds = heard.timeline().packs() ? heard.timeline().speechSeconds() : null;
        jobs.advance(job.id(), j -> j.speechDetected(detection, speechSeconds, plan, note, now()));
        return heard;
    }

    /**
     * Fixes the job's language once, before the first chunk: the requested one; English for an English-only model;
     * otherwise the language Whisper detects in the loudest 30 s, so that no chunk of one file flips to another
     * language. A retried attempt finds it pinned already.
     *
     * @return the options every chunk is transcribed with
     */
    private JobOptions pinLanguage(UUID jobId, Path pcm, Sandbox sandbox, JobWatch watch) throws Exception {
        TranscriptionJob job = jobs.find(jobId).orElseThrow();
        if (job.pinnedLanguage().isPresent()) {
            return job.effectiveOptions();
        }
        Optional<String> requested = job.options().language();
        if (requested.isPresent()) {
            jobs.advance(jobId, j -> j.pinLanguage(LanguageSource.REQUESTED, requested.get(), null, null, now()));
        } else if (!sandbox.multilingual()) {
            jobs.advance(jobId, j -> j.pinLanguage(LanguageSource.MODEL, "en", null, null, now()));
        } else {
            AudioChunk window;
            try (PcmFile audio = new PcmFile(pcm)) {
                window = LoudestWindow.find(audio);
            }
            DetectedLanguage detected = sandbox.detectLanguage(pcm, window, watch);
            log.debug("Job {}: detected language {} (p = {})", jobId, detected.code(), detected.probability());
            jobs.advance(jobId, j -> j.pinLanguage(LanguageSource.DETECTED, detected.code(), detected.probability(),
                    detected.alternatives(), now()));
        }
        return jobs.find(jobId).orElseThrow().effectiveOptions();
    }

    /**
     * Progress is shown, not relied on: while the database is briefly away (a restart), the transcription goes on and
     * the next report catches up.
     */
    private void progressed(UUID jobId, double done, Double eta) {
        try {
            jobs.advance(jobId, j -> j.progressed(done, eta, now()));
        } catch (RuntimeException e) {
            log.debug("Could not record the progress of job {}: {}", jobId, e.toString());
        }
    }

    private void timedOut(UUID jobId, int attempt, Instant started, TimedOutException e, Duration limit,
                          Sandbox sandbox) throws TimedOutException {
        record(sandbox, jobId, attempt, started, "failed", FailureCode.TIMEOUT, e.getMessage());
        TranscriptionJob job = jobs.update(jobId, j -> j.timedOut(now())).orElseThrow();
        boolean hung = e.why() == TimedOutException.Why.HUNG;
        if (job.timeouts() <= TIMEOUT_RETRIES && !job.status().isFinished()) {
            log.warn("Job {}: attempt {} {}; trying once more on a fresh worker process", jobId, attempt,
                    e.getMessage());
            requeue(jobId, (hung ? "The transcription stopped making progress" : "The transcription ran past its"
                    + " time limit") + " and was stopped; it will be tried once more.");
            // Thrown so that JobRunr schedules the retry.
            throw e;
        }
        String hangAdvice = e.doing().equals("transcribing")
                ? " Upload the file again later; if it keeps happening, tell the operator (job " + jobId + ")."
                : " The file may make the decoder wait forever: convert it to a common format (for example MP4 or"
                        + " WAV) and upload it again.";
        fail(jobId, FailureCode.TIMEOUT, hung
                ? "Transcription stopped making progress twice: the worker did nothing for "
                        + HumanDurations.format(slots.settings().timeouts().hangAfter()) + " while " + e.doing()
                        + ", so it was stopped." + hangAdvice
                : "Transcription ran past its time limit of " + HumanDurations.format(limit) + " twice and was"
                        + " stopped. The service may be very busy: upload the file again later, or split it into"
                        + " shorter parts.");
    }

    private void crashed(UUID jobId, int attempt, Instant started, ChildCrashedException e, Sandbox sandbox)
            throws ChildCrashedException {
        record(sandbox, jobId, attempt, started, "failed", FailureCode.WORKER_CRASHED,
                e.getMessage() + " Last output: " + String.join(" | ", sandbox.recentLog()));
        TranscriptionJob job = jobs.update(jobId, j -> j.crashed(now())).orElseThrow();
        int retries = slots.settings().crashRetries();
        if (job.crashes() <= retries && !job.status().isFinished()) {
            requeue(jobId, "The worker crashed while processing this file (worker_crashed); it will be tried "
                    + (retries - job.crashes() + 1 == 1 ? "once more." : "again."));
            // Thrown so that JobRunr schedules the retry.
            throw e;
        }
        jobs.update(jobId, j -> {
            if (!j.status().isFinished()) {
                j.quarantine(FailureCode.WORKER_CRASHED, "The transcription worker crashed on this file "
                        + j.crashes() + " times, so it will not be retried automatically. The file may be damaged:"
                        + " try converting it to a common format (e.g. MP4 or WAV) and upload it again.", now());
            }
        });
    }

    private void record(Sandbox sandbox, UUID jobId, int attempt, Instant started, String outcome, FailureCode code,
                        String detail) {
        try {
            jobs.recordAttempt(new JobAttempt(jobId, attempt, started, now(), outcome, code, detail)
                    .withChildLog(sandbox.recentLog()));
        } catch (RuntimeException e) {
            log.warn("Could not record attempt {} of job {}", attempt, jobId, e);
        }
    }

    private void fail(UUID jobId, FailureCode code, String reason) {
        jobs.update(jobId, j -> {
            if (!j.status().isFinished()) {
                j.fail(code, reason, now());
            }
        });
    }

    /** Like {@link #requeue}, taking back the attempt; if the database is still away, the attempt stays counted. */
    private void requeueForgiving(UUID jobId, String reason) {
        try {
            jobs.update(jobId, j -> {
                if (!j.status().isFinished()) {
                    j.requeue(reason, now());
                    j.forgiveAttempt(now());
                }
            });
        } catch (RuntimeException e) {
            log.warn("Could not put job {} back in the queue; JobRunr's retry will", jobId, e);
        }
    }

    private void requeue(UUID jobId, String reason) {
        boolean interrupted = Thread.interrupted();
        try {
            jobs.update(jobId, j -> {
                if (!j.status().isFinished()) {
                    j.requeue(reason, now());
                }
            });
        } catch (RuntimeException e) {
            log.warn("Could not put job {} back in the queue; JobRunr's retry will", jobId, e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Instant now() {
        return jobs.clock().instant();
    }

    /** The job's deadline, set from its audio's length once known, and its cancel flag, read from the database. */
    private final class Watch implements JobWatch {
        private final UUID jobId;
        private final Instant started;
        private volatile Instant deadline;

        /** Until the audio's length is known, the floor of the time limit applies. */
        Watch(UUID jobId, Instant started) {
            this.jobId = jobId;
            this.started = started;
            this.deadline = started.plus(slots.settings().timeouts().floor());
        }

        void extend(double audioSeconds, double secondsPerAudioSecond) {
            deadline = started.plus(slots.settings().timeouts().limitFor(audioSeconds, secondsPerAudioSecond));
        }

        @Override
        public Instant deadline() {
            return deadline;
        }

        /** A database that cannot answer right now has not canceled the job: the work goes on meanwhile. */
        @Override
        public boolean canceled() {
            try {
                return jobs.find(jobId).map(job -> job.status() == JobStatus.CANCELED).orElse(true);
            } catch (RuntimeException e) {
                log.debug("Could not look whether job {} was canceled: {}", jobId, e.toString());
                return false;
            }
        }
    }
}
