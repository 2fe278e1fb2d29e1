package dev.scriptorium;

import dev.scriptorium.app.Application;
import dev.scriptorium.app.Role;
import dev.scriptorium.app.ScriptoriumConfig;
import dev.scriptorium.retention.CleanupReport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = "One retention cleanup run, then exit.",
        footer = {"", "Configuration comes from environment variables; see README.md."})
final class CleanupCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(CleanupCommand.class);

    @Option(names = "--dry-run", description = "Print what would be deleted, and delete nothing.")
    private boolean dryRun;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Application application = Application.start(Role.CLEANUP,
                ScriptoriumConfig.fromEnvironment(System.getenv()))) {
            CleanupReport report = application.cleanup().run(dryRun, deletion -> {
                if (dryRun) {
                    out.println("would delete " + deletion);
                }
            });
            out.println(report);
            return 0;
        } catch (dev.scriptorium.app.ConfigException e) {
            throw e;
        } catch (Exception e) {
            log.error("The cleanup run failed", e);
            return 1;
        }
    }
}
