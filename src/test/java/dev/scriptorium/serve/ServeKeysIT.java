package dev.scriptorium.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.testing.ApiClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keys} on serve's defaults, as an operator runs it in serve's directory without DATABASE_URL: against the
 * running serve's embedded PostgreSQL, or, while serve is stopped, against its data directly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServeKeysIT {
    private static final Duration COMMAND_LIMIT = Duration.ofMinutes(3);
    @TempDir
    static Path home;
    @TempDir
    Path empty;
    private final List<String> adminKeys = new ArrayList<>();

    @Test
    @Order(1)
    void anAdminKeyCreatedBesideARunningServeWorksAtOnce() throws Exception {
        try (ServeProcess serve = ServeProcess.start(home, Map.of(), "first.log")) {
            assertThat(overview(serve, null)).isEqualTo(401);

            JarCommand.Result created = JarCommand.run(home, Map.of(), COMMAND_LIMIT, "keys", "create", "ops",
                    "--admin");

            assertThat(created.status()).as(created.output()).isZero();
            assertThat(created.output()).contains("Created admin key ops").doesNotContain("for this command only");
            String key = secret(created);
            assertThat(overview(serve, key)).isEqualTo(200);
            adminKeys.add(key);
            assertThat(serve.stop()).isIn(0, 143);
        }
    }

    @Test
    @Order(2)
    void aKeyCreatedWhileServeIsStoppedWorksOnceServeRunsAgainAndNothingIsLeftRunning() throws Exception {
        assertThat(adminKeys).as("the key of the first spec").hasSize(1);
        JarCommand.Result created = JarCommand.run(home, Map.of(), COMMAND_LIMIT, "keys", "create", "night-ops",
                "--admin");

        assertThat(created.status()).as(created.output()).isZero();
        assertThat(created.output()).contains("serve is not running on ./data").contains("for this command only");
        assertThat(JarCommand.processesUnder(home)).isEmpty();
        String key = secret(created);
        try (ServeProcess serve = ServeProcess.start(home, Map.of(), "second.log")) {
            assertThat(overview(serve, key)).isEqualTo(200);
            assertThat(overview(serve, adminKeys.get(0))).isEqualTo(200);
            assertThat(serve.stop()).isIn(0, 143);
        }
    }

    @Test
    @Order(3)
    void aKeyRevokedBesideARunningServeIsRevoked() throws Exception {
        try (ServeProcess serve = ServeProcess.start(home, Map.of(), "third.log")) {
            JarCommand.Result revoked = JarCommand.run(home, Map.of(), COMMAND_LIMIT, "keys", "revoke", "ops");

            assertThat(revoked.status()).as(revoked.output()).isZero();
            assertThat(revoked.output()).contains("Revoked key ops");
            assertThat(serve.stop()).isIn(0, 143);
        }
    }

    @Test
    void keysWithoutServeDataSaySoInOneLine() throws Exception {
        JarCommand.Result result = JarCommand.run(empty, Map.of(), COMMAND_LIMIT, "keys", "create", "ops");

        assertThat(result.status()).as(result.output()).isEqualTo(2);
        assertThat(result.output().lines().toList()).as(result.output())
                .contains("No Scriptorium data in ./data: start `serve` once, or set DATABASE_URL");
        assertThat(result.stackTraceLines()).as(result.output()).isEmpty();
        assertThat(empty.resolve("data")).doesNotExist();
    }

    private static String secret(JarCommand.Result created) {
        return created.output().lines().filter(line -> line.startsWith("sk_")).findFirst()
                .orElseThrow(() -> new AssertionError("no key in:\n" + created.output()));
    }

    /** The admin overview's status for a caller with {@code key} (none: anonymous). */
    private static int overview(ServeProcess serve, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(serve.baseUrl().resolve("/api/v1/admin/overview"));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return new ApiClient(serve.baseUrl()).send(request.build()).status();
    }
}
