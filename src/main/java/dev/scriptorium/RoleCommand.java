package dev.scriptorium;

import dev.scriptorium.app.Application;
import dev.scriptorium.app.Role;
import dev.scriptorium.app.ScriptoriumConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/** A long-running role ({@code serve}, {@code web}, {@code worker}, {@code scheduler}): runs until the JVM stops. */
@Command(mixinStandardHelpOptions = true, footer = {"", "Configuration comes from environment variables; see"
        + " README.md."})
final class RoleCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RoleCommand.class);
    private final Role role;

    RoleCommand(Role role) {
        this.role = role;
    }

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        ScriptoriumConfig config = ScriptoriumConfig.fromEnvironment(System.getenv());
        Application application;
        try {
            application = Application.start(role, config);
        } catch (dev.scriptorium.app.ConfigException | dev.scriptorium.app.PortInUseException e) {
            throw e;
        } catch (Exception e) {
            log.error("Could not start the {} role", role.cliName(), e);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long stopping = System.nanoTime();
            log.info("Stopping the {} role", role.cliName());
            application.close();
            log.info("Stopped the {} role in {} ms", role.cliName(), (System.nanoTime() - stopping) / 1_000_000);
            stopped.countDown();
        }, "shutdown"));
        log.info(application.readyLine((System.nanoTime() - started) / 1_000_000));
        application.modelStatus().filter(status -> !status.loaded() || status.synthetic())
                .ifPresent(status -> log.warn(status.message()));
        stopped.await();
        return 0;
    }
}
