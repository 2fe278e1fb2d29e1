package dev.scriptorium.transcription;

import java.util.Locale;

/** Why a job failed, as a stable machine-readable code; the human-readable reason travels beside it. */
public enum FailureCode {
    /** The uploaded file has no bytes. */
    EMPTY_FILE,
    /** Not a media format we accept (including playlists, manifests and text). */
    UNSUPPORTED_FORMAT,
    /** A media file without an audio stream. */
    NO_AUDIO,
    /** The file ends before the duration its container declares. */
    TRUNCATED_MEDIA,
    /** The audio could not be decoded. */
    CORRUPT_MEDIA,
    /** Longer than MAX_DURATION_SECONDS. */
    TOO_LONG,
    /** The staged upload vanished before it reached object storage. */
    UPLOAD_MISSING,
    /** Media named by URL or S3 key could not be fetched: unreachable, missing, or answered other than 2xx. */
    DOWNLOAD_FAILED,
    /** Media named by URL or S3 key may not be fetched: the outbound guard or the bucket list refused it. */
    DOWNLOAD_FORBIDDEN,
    /** Media named by URL or S3 key is larger than MAX_UPLOAD_BYTES. */
    TOO_LARGE,
    /** Media named by URL or S3 key did not arrive in time. */
    DOWNLOAD_TIMEOUT,
    /** The stored media object is gone. */
    MEDIA_MISSING,
    /** Whisper could not process the audio. */
    TRANSCRIPTION_ERROR,
    /** The sandboxed worker process died (a native crash) while working on this file. */
    WORKER_CRASHED,
    /** The job ran past its time limit and was stopped. */
    TIMEOUT,
    /** Anything else, after the allowed attempts. */
    INTERNAL_ERROR;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
