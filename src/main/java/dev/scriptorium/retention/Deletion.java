package dev.scriptorium.retention;

/** One thing a cleanup run deletes, or in a dry run would delete. */
public record Deletion(Kind kind, String target, long bytes) {
    public enum Kind {
        /** A whole ended job: row, transcript, media. */
        JOB,
        /** An ended job's original media; the job and its transcript stay. */
        MEDIA,
        /** An object in the bucket that no job refers to. */
        ORPHAN,
        /** A leftover local file or directory: a staged upload, a partial upload, a worker's temp files. */
        FILE
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + target + " (" + bytes + " bytes)";
    }
}
