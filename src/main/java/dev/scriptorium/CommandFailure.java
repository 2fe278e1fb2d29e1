package dev.scriptorium;

import dev.scriptorium.app.ConfigException;
import dev.scriptorium.app.PortInUseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * What a command's unexpected failure becomes: a configuration or usage problem is one readable line and status 2;
 * anything else is logged with its trace (for the operator) and status 1.
 */
final class CommandFailure implements CommandLine.IExecutionExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(CommandFailure.class);

    @Override
    public int handleExecutionException(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        String name = command.getCommandName();
        if (e instanceof ConfigException) {
            command.getErr().println("Configuration error: " + e.getMessage());
            return 2;
        }
        if (e instanceof PortInUseException) {
            command.getErr().println(e.getMessage());
            return 2;
        }
        if (e instanceof IllegalArgumentException) {
            command.getErr().println(name + ": " + e.getMessage());
            return 2;
        }
        log.error("{} failed", name, e);
        return 1;
    }
}
