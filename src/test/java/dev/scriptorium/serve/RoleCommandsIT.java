package dev.scriptorium.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.embedded.EmbeddedObjectStore;
import dev.scriptorium.testing.ExternalServices;
import dev.scriptorium.testing.TestDatabase;
import dev.scriptorium.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The roles of a split deployment, started as their manifests start them ({@code java -jar scriptorium.jar ROLE}),
 * still start under the picocli command line: each says it is ready, and stops on SIGTERM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoleCommandsIT {
    private TestDatabase database;
    private EmbeddedObjectStore objects;

    @TempDir
    Path home;

    @BeforeAll
    void start() throws Exception {
        database = TestDatabase.create();
        objects = EmbeddedObjectStore.start(Files.createTempDirectory("role-objects"));
    }

    @AfterAll
    void stop() throws Exception {
        if (objects != null) {
            objects.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"web", "worker", "scheduler"})
    void aRoleStartsSaysItIsReadyAndStopsOnSigterm(String role) throws Exception {
        Map<String, String> env = new HashMap<>(ExternalServices.environment(database, objects));
        env.putAll(ServeProcess.ports());
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("DATA_DIR", Files.createTempDirectory(home, role).toString());
        env.put("WHISPER_MODEL", TestModels.syntheticTiny().toString());
        Path log = home.resolve(role + ".log");
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", ServeProcess.JAR.toString(), role)).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!Files.readString(log).contains("Scriptorium " + role + " ready in ")) {
                assertThat(process.isAlive()).as(Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as(Files.readString(log)).isLessThan(deadline);
                Thread.sleep(200);
            }
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
            assertThat(Files.readString(log)).contains("Stopped the " + role + " role");
        } finally {
            process.destroyForcibly();
        }
    }
}
