package dev.scriptorium.sandbox;

import java.time.Instant;

/** What a sandbox checks while it waits for its child: the job's deadline, and whether it was canceled. */
public interface JobWatch {
    Instant deadline();

    /** Called about once a second while waiting; may query the database. */
    boolean canceled();
}
