package dev.scriptorium.sandbox;

import dev.scriptorium.whisper.WhisperSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's slots: one {@link Sandbox} each, handed to one job at a time. Thread-safe.
 */
public final class WorkerSlots implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerSlots.class);
    private final List<Sandbox> all = new ArrayList<>();
    private final BlockingQueue<Sandbox> free = new LinkedBlockingQueue<>();
    private final Path socketDir;
    private final SandboxSettings settings;

    public WorkerSlots(SandboxSettings settings, WhisperSettings whisper) throws IOException {
        this.settings = settings;
        // Sockets live in a private directory: only this user may connect to a child.
        this.socketDir = Files.createTempDirectory("scriptorium-sockets",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        for (int slot = 0; slot < settings.slots(); slot++) {
            Sandbox sandbox = new Sandbox(slot, settings, whisper, socketDir);
            all.add(sandbox);
            free.add(sandbox);
        }
    }

    public SandboxSettings settings() {
        return settings;
    }

    public int size() {
        return all.size();
    }

    /** Slots handed out right now. */
    public int busy() {
        return all.size() - free.size();
    }

    /** Starts every child now, so the model is loaded before the first job; throws what the first failure was. */
    public void startAll() throws Exception {
        for (Sandbox sandbox : all) {
            sandbox.ensureStarted();
        }
    }

    public Sandbox acquire() throws InterruptedException {
        return free.take();
    }

    /** A free slot if there is one now: for spreading one file's chunks over idle slots. */
    public java.util.Optional<Sandbox> tryAcquire() {
        return java.util.Optional.ofNullable(free.poll());
    }

    public void release(Sandbox sandbox) {
        free.add(sandbox);
    }

    /** The worker is stopping: every child is killed now and none is started again (see {@link Sandbox#stop}). */
    public void stopAll() {
        for (Sandbox sandbox : all) {
            sandbox.stop();
        }
    }

    /** For tests and the admin view: every slot, busy or not. */
    public List<Sandbox> sandboxes() {
        return List.copyOf(all);
    }

    @Override
    public void close() {
        for (Sandbox sandbox : all) {
            sandbox.close();
        }
        try {
            Files.deleteIfExists(socketDir);
        } catch (IOException e) {
            log.debug("Could not remove {}", socketDir, e);
        }
    }
}
