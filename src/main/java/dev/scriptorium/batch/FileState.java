package dev.scriptorium.batch;

/** Where one file of a batch is; each change is one line of plain output and one JSON event. */
enum FileState {
    /** Found, waiting for a slot. */
    PENDING("pending", false),
    /** Its outputs exist already (and --overwrite was not given). */
    SKIPPED("skipped", true),
    UPLOADING("uploading", false),
    /** A job of an earlier run, found by its Idempotency-Key, taken up instead of uploading again. */
    PICKED_UP("picked up", false),
    QUEUED("queued", false),
    PROCESSING("processing", false),
    COMPLETED("completed", true),
    FAILED("failed", true),
    /** Never submitted: the user stopped the batch first. */
    NOT_STARTED("not started", true),
    /** Submitted, still running on the server when the user left; the next run picks it up. */
    LEFT_RUNNING("left running", true);

    private final String label;
    private final boolean end;

    FileState(String label, boolean end) {
        this.label = label;
        this.end = end;
    }

    String label() {
        return label;
    }

    boolean end() {
        return end;
    }
}
