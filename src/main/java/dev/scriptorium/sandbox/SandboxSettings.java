package dev.scriptorium.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How transcription workers run their sandboxed children.
 *
 * @param slots          child processes, each taking one job at a time with its own copy of the model
 * @param childJavaOptions JVM options of each child (e.g. its heap)
 * @param device         "cpu" or "cuda"
 * @param nativeDir      directory of whisper.cpp 1.7.1's libwhisper.so (a CUDA build), if any
 * @param crashRetries   how often a job whose child crashed is tried again before it fails for good
 * @param timeouts       the wall-clock limit of each job
 * @param startupTimeout how long a child may take to load its model
 */
public record SandboxSettings(int slots, List<String> childJavaOptions, String device, Optional<Path> nativeDir,
                              int crashRetries, TimeLimits timeouts, Duration startupTimeout) {
}
