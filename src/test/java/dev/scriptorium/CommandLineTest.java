package dev.scriptorium;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The jar's command line as picocli parses it: help everywhere, usage errors that name what is wrong. */
class CommandLineTest {
    private record Run(int status, String output, String errors) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"serve", "web", "worker", "scheduler", "cleanup", "keys", "keys create", "keys webhook",
            "keys rotate-webhook-secret", "keys revoke", "models", "models synthesize", "transcribe"})
    void everyCommandPrintsItsHelpAndExitsZero(String command) {
        List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
        args.add("--help");

        Run help = run(args.toArray(String[]::new));

        assertThat(help.status()).as(help.errors()).isZero();
        assertThat(help.output()).startsWith("Usage: java -jar scriptorium.jar " + command);
    }

    @Test
    void theTopLevelHelpListsEveryCommand() {
        Run help = run("--help");

        assertThat(help.status()).isZero();
        assertThat(help.output()).contains("serve", "web", "worker", "scheduler", "cleanup", "keys", "models",
                "transcribe");
    }

    @Test
    void noCommandIsAUsageErrorWithTheUsage() {
        Run none = run();

        assertThat(none.status()).isEqualTo(2);
        assertThat(none.errors()).contains("Name a command").contains("Usage:");
    }

    @Test
    void aMisspeltCommandGetsASuggestion() {
        Run typo = run("serv");

        assertThat(typo.status()).isEqualTo(2);
        assertThat(typo.errors()).contains("'serv'").contains("Did you mean").contains("serve");
    }

    @Test
    void aMisspeltOptionIsNamedWithTheNearestOne() {
        Run typo = run("transcribe", "--formt", "srt", "talk.mp4");
        Run cleanup = run("cleanup", "--dry");

        assertThat(typo.status()).isEqualTo(2);
        assertThat(typo.errors()).contains("Unknown option: '--formt'").contains("--format");
        assertThat(cleanup.status()).isEqualTo(2);
        assertThat(cleanup.errors()).contains("--dry").contains("--dry-run");
    }

    @Test
    void transcribeWithoutAPathSaysSo() {
        Run missing = run("transcribe");

        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.errors()).contains("PATH");
    }

    @Test
    void transcribeRefusesAnUnknownFormatNamingIt() {
        Run refused = run("transcribe", "--format", "srt,mp3", ".");

        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.errors()).contains("'mp3' is not a format").contains("srt, vtt, txt or json");
    }

    @Test
    void transcribeRefusesOptionsThatCannotGoTogetherOrMakeNoSense() {
        Run both = run("transcribe", "--quiet", "--json", ".");
        Run server = run("transcribe", "--server", "ftp://files.example", ".");
        Run parallel = run("transcribe", "--parallel", "0", ".");
        Run task = run("transcribe", "--task", "summarize", ".");
        Run path = run("transcribe", "--server", "http://127.0.0.1:9", "no-such-folder");

        assertThat(List.of(both.status(), server.status(), parallel.status(), task.status(), path.status()))
                .containsOnly(2);
        assertThat(both.errors()).contains("--quiet and --json");
        assertThat(server.errors()).contains("--server must be an http:// or https:// URL");
        assertThat(parallel.errors()).contains("--parallel must be from 1 to 32");
        assertThat(task.errors()).contains("--task must be transcribe or translate");
        assertThat(path.errors()).contains("no such file or directory: no-such-folder");
    }

    @Test
    void aServerThatDoesNotAnswerIsOneMessageBeforeAnyFileAndStatus1(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("talk.wav"), "not even audio");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        Run run = run("transcribe", "--server", "http://127.0.0.1:" + closedPort, folder.toString());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.errors()).isEqualTo("transcribe: cannot use the server: no answer from http://127.0.0.1:"
                + closedPort + "/ (nothing accepts connections there)\n");
        assertThat(run.output()).doesNotContain("uploading");
    }

    @Test
    void aBadSyntheticModelSizeNamesTheChoices() {
        Run refused = run("models", "synthesize", "--dims", "huge");

        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.errors()).contains("huge").contains("tiny, base, small, medium, large-v3");
    }
}
