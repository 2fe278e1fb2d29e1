package dev.scriptorium;

import dev.scriptorium.app.Role;
import dev.scriptorium.batch.TranscribeCommand;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.OutputStreamWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Entry point of the jar: {@code java -jar scriptorium.jar COMMAND}. Every role and tool is a picocli subcommand, so
 * each has {@code --help}, a misspelt command or option gets a suggestion, and a bad option is named.
 */
@Command(name = "java -jar scriptorium.jar", mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Scriptorium: self-hosted batch transcription with Whisper.",
        commandListHeading = "%nCommands:%n",
        footer = {"", "Configuration comes from environment variables; see README.md.",
                "Run 'java -jar scriptorium.jar COMMAND --help' for a command's options."})
public final class Main implements Runnable {
    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        CommandLine cli = commandLine(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8),
                true), new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
        int status = cli.execute(args);
        CommandLine.ParseResult parsed = cli.getParseResult();
        boolean role = parsed != null && parsed.hasSubcommand()
                && parsed.subcommand().commandSpec().userObject() instanceof RoleCommand;
        // A role returns only once the JVM is shutting down; exit(0) then would wait for the shutdown hooks forever.
        if (!role || status != 0) {
            System.exit(status);
        }
    }

    /** The whole command line, writing to {@code out} and {@code err}; for tests too. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        for (Role role : new Role[]{Role.SERVE, Role.WEB, Role.WORKER, Role.SCHEDULER}) {
            CommandLine command = new CommandLine(new RoleCommand(role));
            command.getCommandSpec().usageMessage().description(role.description());
            cli.addSubcommand(role.cliName(), command);
        }
        cli.addSubcommand(new CleanupCommand());
        cli.addSubcommand(KeysCommand.onConfiguredDatabase(out, err));
        cli.addSubcommand(new ModelsCommand());
        cli.addSubcommand(new TranscribeCommand());
        cli.setOut(out).setErr(err);
        // Help goes to stdout everywhere; usage errors name the option and suggest the nearest command or option.
        cli.setExecutionExceptionHandler(new CommandFailure());
        return cli;
    }

    /** No command at all: the usage, as a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Name a command.");
    }

    /** The jar's version, from its manifest when it is packaged. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[]{"Scriptorium " + (version == null ? "(development build)" : version)};
        }
    }
}
