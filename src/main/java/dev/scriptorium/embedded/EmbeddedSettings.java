package dev.scriptorium.embedded;

import java.nio.file.Path;

/** Where the all-in-one role keeps the data of its embedded services. */
public record EmbeddedSettings(Path dataDir) {
}
