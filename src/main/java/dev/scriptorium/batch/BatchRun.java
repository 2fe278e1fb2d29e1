package dev.scriptorium.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs a batch against a server: up to {@code parallel} files in flight, each uploaded (or, when an earlier run made
 * its job, picked up), followed until its job ends, and its transcripts written. {@link #stop()} submits nothing more
 * and lets the files in flight finish; {@link #leave()} returns at once and leaves their jobs on the server.
 */
final class BatchRun {
    /** How long a status request waits on the server for a change. */
    private static final int WAIT_SECONDS = 10;
    /** How long the server may stay out of reach before a file in flight is given up. */
    private static final Duration OUT_OF_REACH = Duration.ofMinutes(2);
    private final ServerClient server;
    private final BatchDisplay display;
    private final int parallel;
    private final Map<String, String> fields;
    private final Optional<String> language;
    private final Optional<String> task;
    private volatile boolean stopping;
    private volatile boolean leaving;
    private final Object leaveSignal = new Object();

    BatchRun(ServerClient server, BatchDisplay display, int parallel, Optional<String> language,
             Optional<String> task) {
        this.server = server;
        this.display = display;
        this.parallel = parallel;
        this.language = language;
        this.task = task;
        this.fields = ServerClient.fields(language, task);
    }

    /** @return the exit status: 0 when every file completed or was skipped, 1 when any failed, 130 when stopped */
    int run(List<BatchFile> files) throws InterruptedException {
        Iterator<BatchFile> queue = files.stream().filter(file -> file.state() == FileState.PENDING).iterator();
        ExecutorService slots = Executors.newFixedThreadPool(parallel, runnable -> {
            Thread thread = new Thread(runnable, "transcribe-slot");
            // A second Ctrl-C leaves with files in flight: their threads must not keep the JVM up.
            thread.setDaemon(true);
            return thread;
        });
        for (int slot = 0; slot < parallel; slot++) {
            slots.execute(() -> {
                BatchFile file;
                while (!stopping && !leaving && (file = next(queue)) != null) {
                    transcribe(file);
                }
            });
        }
        slots.shutdown();
        synchronized (leaveSignal) {
            while (!leaving && !slots.awaitTermination(0, TimeUnit.MILLISECONDS)) {
                leaveSignal.wait(200);
            }
        }
        for (BatchFile file : files) {
            if (file.state() == FileState.PENDING) {
                file.state(FileState.NOT_STARTED);
            } else if (!file.state().end()) {
                file.state(file.jobId().isPresent() ? FileState.LEFT_RUNNING : FileState.NOT_STARTED);
            }
        }
        int status = exitStatus(files);
        display.end(files, status);
        return status;
    }

    static int exitStatus(List<BatchFile> files) {
        if (files.stream().anyMatch(file -> file.state() == FileState.FAILED)) {
            return 1;
        }
        boolean unfinished = files.stream().anyMatch(file -> file.state() == FileState.NOT_STARTED
                || file.state() == FileState.LEFT_RUNNING);
        return unfinished ? 130 : 0;
    }

    /** The first Ctrl-C: nothing new is submitted; the files in flight finish. */
    void stop() {
        stopping = true;
    }

    /** The second: return now; the jobs in flight go on on the server, where the next run finds them. */
    void leave() {
        leaving = true;
        synchronized (leaveSignal) {
            leaveSignal.notifyAll();
        }
    }

    private static synchronized BatchFile next(Iterator<BatchFile> queue) {
        return queue.hasNext() ? queue.next() : null;
    }

    private void transcribe(BatchFile file) {
        file.start();
        try {
            String key = SubmitKey.of(file.path(), language, task);
            Optional<JobSnapshot> earlier = retrying(() -> server.submitted(key));
            JobSnapshot job;
            if (earlier.isPresent()) {
                job = earlier.get();
                file.jobId(job.id());
                move(file, FileState.PICKED_UP);
            } else {
                move(file, FileState.UPLOADING);
                UUID id = submit(file, key);
                file.jobId(id);
                job = retrying(() -> server.status(id));
            }
            follow(file, job);
        } catch (ServerException e) {
            fail(file, e.getMessage());
        } catch (IOException e) {
            fail(file, "cannot read or write a file: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            fail(file, "unexpected error: " + e);
        }
    }

    /**
     * Retried like every call while the server is out of reach or busy: the Idempotency-Key makes a repeat of an
     * upload that did arrive harmless.
     */
    private UUID submit(BatchFile file, String key) throws ServerException, InterruptedException {
        return retrying(() -> {
            file.uploadedBytes(0);
            return server.submit(file.path(), fields, key, bytes -> {
                file.uploadedBytes(bytes);
                display.progressed(file);
            });
        });
    }

    private void follow(BatchFile file, JobSnapshot first) throws ServerException, IOException,
            InterruptedException {
        JobSnapshot job = first;
        while (true) {
            apply(file, job);
            if (job.finished() || leaving) {
                break;
            }
            JobSnapshot known = job;
            job = retrying(() -> server.status(known, WAIT_SECONDS));
        }
        if (leaving) {
            return;
        }
        switch (job.status()) {
            case "completed" -> {
                for (int index = 0; index < file.outputs().size(); index++) {
                    Path output = file.outputs().get(index);
                    OutputFormat format = OutputFormat.parse(MediaFinder.extension(output));
                    byte[] transcript = retrying(() -> server.transcript(file.jobId().orElseThrow(), format));
                    write(output, transcript);
                }
                move(file, FileState.COMPLETED);
            }
            case "canceled" -> fail(file, "the job was canceled on the server");
            default -> fail(file, job.failureReason().orElse("the server gave no reason")
                    + job.failureCode().map(code -> " (" + code + ")").orElse(""));
        }
    }

    private void apply(BatchFile file, JobSnapshot job) {
        job.durationSeconds().ifPresent(file::audioSeconds);
        file.percent(job.percent());
        file.etaSeconds(job.etaSeconds().orElse(null));
        FileState state = switch (job.status()) {
            case "queued" -> FileState.QUEUED;
            case "processing" -> FileState.PROCESSING;
            default -> file.state();
        };
        // A stage that ends (storing, then none until completed) is no news: only a new stage is.
        String stage = job.stage().orElse(state == FileState.PROCESSING ? file.stage().orElse(null) : null);
        boolean changed = state != file.state() || state == FileState.PROCESSING
                && !java.util.Objects.equals(stage, file.stage().orElse(null));
        file.stage(stage);
        if (changed) {
            move(file, state);
        } else {
            display.progressed(file);
        }
    }

    /** Written beside the target and moved into place: an output that exists is whole. */
    private static void write(Path output, byte[] content) throws IOException {
        Path parent = output.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = parent.resolve("." + output.getFileName() + ".part");
        Files.write(partial, content);
        Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void move(BatchFile file, FileState state) {
        if (leaving) {
            // The summary is out: the run already counted this file as left running.
            return;
        }
        file.state(state);
        display.changed(file);
    }

    private void fail(BatchFile file, String reason) {
        if (leaving) {
            return;
        }
        file.failure(reason);
        move(file, FileState.FAILED);
    }

    private interface Call<T> {
        T call() throws ServerException;
    }

    /** Asks again while the server is out of reach or busy, for up to two minutes. */
    private <T> T retrying(Call<T> call) throws ServerException, InterruptedException {
        long deadline = System.nanoTime() + OUT_OF_REACH.toNanos();
        long pause = 500;
        while (true) {
            try {
                return call.call();
            } catch (ServerException e) {
                if (!e.retryable() || System.nanoTime() > deadline || leaving) {
                    throw e;
                }
                Thread.sleep(pause);
                pause = Math.min(pause * 2, 10_000);
            }
        }
    }
}
