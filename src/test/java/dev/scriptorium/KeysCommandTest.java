package dev.scriptorium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scriptorium.access.ApiKeys;
import dev.scriptorium.database.Database;
import dev.scriptorium.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The keys tool's webhook commands, on a real PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeysCommandTest {
    private TestDatabase testDatabase;
    private Database database;

    @BeforeAll
    void start() throws Exception {
        testDatabase = TestDatabase.create();
        database = Database.open(testDatabase.jdbcUrl(), testDatabase.user(), null, 2);
    }

    @AfterAll
    void stop() throws Exception {
        if (database != null) {
            database.close();
        }
        if (testDatabase != null) {
            testDatabase.close();
        }
    }

    private record Run(int status, String output) {
    }

    private Run run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = new KeysCommand(new ApiKeys(database.dataSource()), new PrintStream(out, true,
                StandardCharsets.UTF_8)).run(args);
        return new Run(status, out.toString(StandardCharsets.UTF_8));
    }

    private String webhookUrl(String name) throws Exception {
        try (var connection = testDatabase.connect(); var select = connection.prepareStatement(
                "select webhook_url from api_key where name = ?")) {
            select.setString(1, name);
            try (var row = select.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }

    @Test
    void createWithAWebhookPrintsTheKeyAndItsSigningSecretAndStoresTheUrl() throws Exception {
        Run created = run("create", "cms", "--webhook", "https://cms.example/hooks");

        assertThat(created.status()).isZero();
        assertThat(created.output()).contains("sk_").containsPattern("whsec_[A-Za-z0-9+/=]{40,}");
        assertThat(webhookUrl("cms")).isEqualTo("https://cms.example/hooks");
    }

    @Test
    void webhookSetsAndNoneClearsTheDefaultUrl() throws Exception {
        run("create", "importer");

        assertThat(run("webhook", "importer", "https://hooks.example/a").status()).isZero();
        assertThat(webhookUrl("importer")).isEqualTo("https://hooks.example/a");
        assertThat(run("webhook", "importer", "none").status()).isZero();
        assertThat(webhookUrl("importer")).isNull();
    }

    @Test
    void rotatingPrintsANewSecret() throws Exception {
        String first = run("create", "rotating").output().lines().filter(line -> line.startsWith("whsec_"))
                .findFirst().orElseThrow();

        Run rotated = run("rotate-webhook-secret", "rotating");

        assertThat(rotated.status()).isZero();
        assertThat(rotated.output()).contains("whsec_").doesNotContain(first);
    }

    @Test
    void anUnknownKeyIsExitStatus1() throws Exception {
        assertThat(run("rotate-webhook-secret", "nobody").status()).isEqualTo(1);
        assertThat(run("webhook", "nobody", "https://hooks.example/").status()).isEqualTo(1);
    }

    @Test
    void aWebhookThatIsNotAnHttpUrlIsRefusedSayingWhatItMustBe() {
        assertThatThrownBy(() -> run("create", "bad", "--webhook", "ftp://files.example/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http or https");
    }

    @Test
    void argumentsOutOfShapeAreNotValid() {
        assertThat(KeysCommand.valid(new String[]{"create", "x", "--webhook"})).isFalse();
        assertThat(KeysCommand.valid(new String[]{"webhook", "x"})).isFalse();
        assertThat(KeysCommand.valid(new String[]{"create", "x", "--admin", "--webhook", "https://a.example/"}))
                .isTrue();
    }
}
