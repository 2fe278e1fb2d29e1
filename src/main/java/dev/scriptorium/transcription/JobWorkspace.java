package dev.scriptorium.transcription;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * A private temp directory (mode 700) holding one job's media and audio while it is processed; removed afterwards,
 * whatever happened.
 */
final class JobWorkspace implements AutoCloseable {
    private final Path directory;

    private JobWorkspace(Path directory) {
        this.directory = directory;
    }

    static JobWorkspace create(Path parent, UUID jobId) throws IOException {
        return create(parent, jobId.toString());
    }

    /** @param name unique among the work that may run at once on this machine */
    static JobWorkspace create(Path parent, String name) throws IOException {
        Files.createDirectories(parent);
        Path directory = parent.resolve(name);
        deleteTree(directory);
        Files.createDirectory(directory,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return new JobWorkspace(directory);
    }

    Path directory() {
        return directory;
    }

    Path file(String name) {
        return directory.resolve(name);
    }

    @Override
    public void close() throws IOException {
        deleteTree(directory);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
