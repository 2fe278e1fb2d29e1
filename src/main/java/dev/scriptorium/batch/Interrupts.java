package dev.scriptorium.batch;

import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) for a batch: the first asks it to stop gently, the second to leave at once. Java's own handling
 * would start the shutdown at the first, so the handler is replaced while the batch runs and put back after.
 */
final class Interrupts implements AutoCloseable {
    private static final Signal INT = new Signal("INT");
    private final AtomicInteger count = new AtomicInteger();
    private final SignalHandler previous;

    private Interrupts(Runnable first, Runnable second) {
        previous = Signal.handle(INT, signal -> {
            if (count.incrementAndGet() == 1) {
                first.run();
            } else {
                second.run();
            }
        });
    }

    static Interrupts install(Runnable first, Runnable second) {
        return new Interrupts(first, second);
    }

    @Override
    public void close() {
        Signal.handle(INT, previous);
    }
}
