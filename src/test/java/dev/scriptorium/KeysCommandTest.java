package dev.scriptorium;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scriptorium.access.ApiKeys;
import dev.scriptorium.database.Database;
import dev.scriptorium.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

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

    private record Run(int status, String output, String errors) {
    }

    /** The keys command as the jar runs it: parsed by picocli, with its failures turned into exit statuses. */
    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine keys = new CommandLine(new KeysCommand(action -> action.run(new ApiKeys(database.dataSource()))))
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .setExecutionExceptionHandler(new CommandFailure());
        int status = keys.execute(args);
        return new Run(status, out.toString(), err.toString());
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
        Run refused = run("create", "bad", "--webhook", "ftp://files.example/");

        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.errors()).contains("http or https").doesNotContain("Exception");
    }

    @Test
    void argumentsOutOfShapeAreUsageErrorsThatNameWhatIsWrong() {
        Run noUrl = run("create", "x", "--webhook");
        Run missing = run("webhook", "x");
        Run typo = run("creat", "x");

        assertThat(noUrl.status()).isEqualTo(2);
        assertThat(noUrl.errors()).contains("--webhook");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.errors()).contains("URL|none");
        assertThat(typo.status()).isEqualTo(2);
        assertThat(typo.errors()).contains("Did you mean").contains("create");
    }
}
