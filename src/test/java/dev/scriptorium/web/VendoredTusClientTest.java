package dev.scriptorium.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The page's tus client is the npm package's file at the version its lock file pins, unchanged. */
class VendoredTusClientTest {
    @Test
    void thePagesTusClientIsTheLockedPackagesOwnFile() throws Exception {
        Path vendored = Path.of("src/main/resources/web/vendor/tus.min.js");
        Path installed = Path.of("src/test/tus-client/node_modules/tus-js-client/dist/tus.min.js");

        assertThat(Files.readAllBytes(vendored)).isEqualTo(Files.readAllBytes(installed));
    }
}
