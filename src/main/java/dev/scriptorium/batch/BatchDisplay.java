package dev.scriptorium.batch;

import java.util.List;

/**
 * How a batch shows what it does: progress bars on a terminal, one line per change in a pipe, JSON lines for scripts,
 * or nothing. Called from every file's thread at once: implementations are thread-safe.
 */
interface BatchDisplay extends AutoCloseable {
    /** The files found, before any starts; {@code ignored} are files under the directories that are not taken. */
    void begin(List<BatchFile> files, List<MediaFinder.Skipped> ignored);

    /** The file's state or stage changed. */
    void changed(BatchFile file);

    /** Its upload or transcription moved on, within the same state. */
    void progressed(BatchFile file);

    /** Something the user must know now, e.g. that Ctrl-C was seen. */
    void notice(String message);

    /** The batch is over (or left): the summary. */
    void end(List<BatchFile> files, int exitStatus);

    @Override
    void close();
}
