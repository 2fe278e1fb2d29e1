package dev.scriptorium.roles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.embedded.EmbeddedObjectStore;
import dev.scriptorium.storage.ObjectStore;
import dev.scriptorium.testing.ExternalServices;
import dev.scriptorium.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar's cleanup role: one run, then exit; --dry-run prints what would go and deletes nothing. */
class CleanupRoleIT {
    private static final Path JAR = Path.of("target", "scriptorium.jar").toAbsolutePath();
    @TempDir
    Path dir;

    private record Run(int exit, String output) {
    }

    private Run cleanup(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "cleanup"));
        command.addAll(List.of(args));
        Path output = dir.resolve("cleanup-" + UUID.randomUUID() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv("PATH"));
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), Files.readString(output));
    }

    @Test
    void aDryRunPrintsTheExpiredJobAndDeletesNothingThenARealRunDeletesItAndExits() throws Exception {
        try (TestDatabase database = TestDatabase.create();
             EmbeddedObjectStore s3 = EmbeddedObjectStore.start(dir.resolve("objects"));
             ObjectStore store = new ObjectStore(s3.settings())) {
            Map<String, String> env = ExternalServices.environment(database, s3);
            env.put("DATA_DIR", dir.resolve("data").toString());
            Run first = cleanup(env);
            assertThat(first.exit()).as(first.output()).isZero();
            UUID id = UUID.randomUUID();
            try (Connection connection = database.connect();
                 PreparedStatement insert = connection.prepareStatement("insert into transcription_job (id, status,"
                         + " filename, task, media_key, media_size_bytes, created_at, completed_at, updated_at)"
                         + " values (?, 'COMPLETED', 'old.mp4', 'TRANSCRIBE', ?, 5, now() - interval '200 days',"
                         + " now() - interval '200 days', now() - interval '200 days')")) {
                insert.setObject(1, id);
                insert.setString(2, "media/" + id);
                insert.executeUpdate();
            }
            store.put("media/" + id, Files.writeString(dir.resolve("media"), "12345"), "video/mp4");

            Run dryRun = cleanup(env, "--dry-run");

            assertThat(dryRun.exit()).as(dryRun.output()).isZero();
            assertThat(dryRun.output()).contains("would delete job " + id).contains("Cleanup dry run");
            assertThat(store.exists("media/" + id)).isTrue();
            assertThat(database.count("select count(*) from transcription_job where id = ?", id)).isEqualTo(1);

            Run real = cleanup(env);

            assertThat(real.exit()).as(real.output()).isZero();
            assertThat(real.output()).contains("Cleanup: 1 jobs");
            assertThat(store.exists("media/" + id)).isFalse();
            assertThat(database.count("select count(*) from transcription_job where id = ?", id)).isZero();
        }
    }

    @Test
    void withoutADatabaseUrlItFailsNamingTheVariable() throws Exception {
        Run run = cleanup(Map.of("DATA_DIR", dir.resolve("data").toString()));
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.output()).contains("DATABASE_URL is required for the cleanup role");
    }
}
