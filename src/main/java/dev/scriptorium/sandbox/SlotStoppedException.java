package dev.scriptorium.sandbox;

/** The worker is stopping: its child was (or is being) stopped, and the request in hand goes back to the queue. */
public final class SlotStoppedException extends Exception {
    public SlotStoppedException() {
        super("The worker is stopping");
    }
}
