package dev.scriptorium.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A KEY=value file as `docker run --env-file` and Compose's env_file read it: no quotes, # comments on own lines. */
final class EnvFile {
    private EnvFile() {
    }

    static Map<String, String> read(Path file) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw new AssertionError(file + ": not a KEY=value line: " + line);
            }
            env.put(line.substring(0, equals), line.substring(equals + 1));
        }
        return env;
    }
}
