package dev.scriptorium.batch;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The media files under the paths a user names: directories are walked recursively, hidden files and directories are
 * skipped, and a file counts as media by its extension or else by its first bytes. A file named on the command line
 * is always taken: the user asked for it, and the server says what is wrong with it.
 */
final class MediaFinder {
    static final Set<String> MEDIA_EXTENSIONS = Set.of("3gp", "aac", "aif", "aiff", "amr", "avi", "caf", "flac",
            "flv", "m2ts", "m4a", "m4v", "mka", "mkv", "mov", "mp2", "mp3", "mp4", "mpeg", "mpg", "mts", "oga", "ogg",
            "ogv", "opus", "ts", "wav", "weba", "webm", "wma", "wmv");

    /** @param root what the user named, that the file was found under: outputs under --out mirror the rest */
    record Found(Path file, Path root) {
    }

    record Skipped(Path file, String reason) {
    }

    record Result(List<Found> media, List<Skipped> skipped) {
    }

    private MediaFinder() {
    }

    /** @throws IllegalArgumentException if a path does not exist */
    static Result find(List<Path> paths) throws IOException {
        Map<Path, Found> media = new LinkedHashMap<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Path path : paths) {
            if (!Files.exists(path)) {
                throw new IllegalArgumentException("no such file or directory: " + path);
            }
            Path absolute = path.toAbsolutePath().normalize();
            if (!Files.isDirectory(absolute)) {
                media.putIfAbsent(absolute, new Found(absolute, absolute.getParent()));
                continue;
            }
            List<Path> files = new ArrayList<>();
            Files.walkFileTree(absolute, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    return !dir.equals(absolute) && hidden(dir) ? FileVisitResult.SKIP_SUBTREE
                            : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile()) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    skipped.add(new Skipped(file, "cannot be read (" + e.getClass().getSimpleName() + ")"));
                    return FileVisitResult.CONTINUE;
                }
            });
            files.sort(null);
            for (Path file : files) {
                if (hidden(file)) {
                    skipped.add(new Skipped(file, "hidden"));
                } else if (MEDIA_EXTENSIONS.contains(extension(file)) || MediaSniffer.looksLikeMedia(file)) {
                    media.putIfAbsent(file, new Found(file, absolute));
                } else {
                    skipped.add(new Skipped(file, "not a media file"));
                }
            }
        }
        return new Result(List.copyOf(media.values()), List.copyOf(skipped));
    }

    static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static boolean hidden(Path path) {
        return path.getFileName() != null && path.getFileName().toString().startsWith(".");
    }
}
