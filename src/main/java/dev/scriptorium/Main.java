package dev.scriptorium;

import dev.scriptorium.access.ApiKeys;
import dev.scriptorium.app.Application;
import dev.scriptorium.app.ConfigException;
import dev.scriptorium.app.PortInUseException;
import dev.scriptorium.app.Role;
import dev.scriptorium.app.ScriptoriumConfig;
import dev.scriptorium.database.Database;
import dev.scriptorium.embedded.DataDirDatabase;
import dev.scriptorium.retention.CleanupReport;
import dev.scriptorium.whisper.SyntheticModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of the jar: {@code java -jar scriptorium.jar ROLE} or {@code models synthesize OUT}. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);
    private static final String USAGE = String.join("\n",
            "Usage: java -jar scriptorium.jar COMMAND",
            "",
            "Roles:",
            "  serve      everything in one process; embedded PostgreSQL, S3 and Redis unless configured",
            "  web        HTTP only (form, API); needs DATABASE_URL, S3_ENDPOINT, REDIS_URL",
            "  worker     transcription jobs only",
            "  scheduler  ingest jobs, recurring retention cleanup, the reconciler, JobRunr dashboards",
            "  cleanup [--dry-run]",
            "             one retention cleanup run, then exit; --dry-run prints what would be deleted",
            "",
            "Tools:",
            "  keys create NAME [--admin] [--webhook URL]",
            "             create an API key (printed once; only its hash is stored) and its webhook signing",
            "             secret; --webhook sets where its jobs' events go unless a job names a URL",
            "  keys webhook NAME URL|none   set or clear a key's default webhook URL",
            "  keys rotate-webhook-secret NAME",
            "             give a key a new webhook signing secret (printed once)",
            "  keys revoke NAME             revoke an API key",
            "             all use DATABASE_URL if it is set, else serve's embedded PostgreSQL in DATA_DIR",
            "             (./data): the running serve's, or, while serve is stopped, started for the command",
            "  models synthesize [OUT] [--dims tiny|base|small|medium|large-v3] [--seed N] [--english-only]",
            "             write a synthetic ggml Whisper model with random weights: its transcripts are nonsense",
            "             (for tests, benchmarks and trying it out). OUT defaults to models/ggml-synthetic-DIMS.bin",
            "             (ggml-synthetic-DIMS.en.bin with --english-only); serve uses such a model when",
            "             WHISPER_MODEL is not set and models/ggml-base.en.bin does not exist",
            "",
            "Configuration comes from environment variables; see README.md.");

    private Main() {
    }

    public static void main(String[] args) {
        int status = run(args);
        if (args.length > 0 && (args[0].equals(Role.CLEANUP.cliName()) || args[0].equals("keys"))) {
            System.exit(status);
        }
        // A role returns only once the JVM is shutting down; exit() then would wait for the hooks forever.
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            System.out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("keys")) {
            return keys(Arrays.copyOfRange(args, 1, args.length));
        }
        if (args[0].equals("models")) {
            return models(Arrays.copyOfRange(args, 1, args.length));
        }
        Optional<Role> role = Role.parse(args[0]);
        if (role.isEmpty()) {
            System.err.println("Unknown command '" + args[0] + "'.\n\n" + USAGE);
            return 2;
        }
        if (role.get() == Role.CLEANUP) {
            return cleanup(Arrays.copyOfRange(args, 1, args.length));
        }
        return serve(role.get());
    }

    private static int cleanup(String[] args) {
        boolean dryRun = args.length == 1 && args[0].equals("--dry-run");
        if (args.length > 1 || args.length == 1 && !dryRun) {
            System.err.println("Usage: java -jar scriptorium.jar cleanup [--dry-run]");
            return 2;
        }
        try (Application application = Application.start(Role.CLEANUP,
                ScriptoriumConfig.fromEnvironment(System.getenv()))) {
            CleanupReport report = application.cleanup().run(dryRun, deletion -> {
                if (dryRun) {
                    System.out.println("would delete " + deletion);
                }
            });
            System.out.println(report);
            return 0;
        } catch (ConfigException e) {
            System.err.println("Configuration error: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            log.error("The cleanup run failed", e);
            return 1;
        }
    }

    private static int serve(Role role) {
        long started = System.nanoTime();
        ScriptoriumConfig config;
        try {
            config = ScriptoriumConfig.fromEnvironment(System.getenv());
        } catch (ConfigException e) {
            System.err.println("Configuration error: " + e.getMessage());
            return 2;
        }
        Application application;
        try {
            application = Application.start(role, config);
        } catch (ConfigException e) {
            System.err.println("Configuration error: " + e.getMessage());
            return 2;
        } catch (PortInUseException e) {
            System.err.println(e.getMessage());
            return 2;
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
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static int keys(String[] args) {
        if (!KeysCommand.valid(args)) {
            System.err.println("Usage: java -jar scriptorium.jar keys create NAME [--admin] [--webhook URL]"
                    + " | keys webhook NAME URL|none | keys rotate-webhook-secret NAME | keys revoke NAME");
            return 2;
        }
        try {
            ScriptoriumConfig config = ScriptoriumConfig.fromEnvironment(System.getenv());
            if (config.database().isPresent()) {
                ScriptoriumConfig.DatabaseSettings settings = config.database().get();
                return keys(args, settings.jdbcUrl(), settings.user(), settings.password());
            }
            // Without DATABASE_URL, keys live where serve keeps them: its embedded PostgreSQL in DATA_DIR.
            Optional<DataDirDatabase> embedded = DataDirDatabase.open(config.dataDir());
            if (embedded.isEmpty()) {
                System.err.println("No Scriptorium data in " + shown(config.dataDir()) + ": start `serve` once, or"
                        + " set DATABASE_URL");
                return 2;
            }
            try (DataDirDatabase database = embedded.get()) {
                if (database.startedHere()) {
                    System.err.println("serve is not running on " + shown(config.dataDir()) + ": its PostgreSQL"
                            + " runs for this command only");
                }
                return keys(args, database.jdbcUrl(), database.user(), null);
            }
        } catch (ConfigException e) {
            System.err.println("Configuration error: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            System.err.println("keys: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            log.error("keys failed", e);
            return 1;
        }
    }

    private static int keys(String[] args, String jdbcUrl, String user, String password) throws Exception {
        try (Database database = Database.open(jdbcUrl, user, password, 2)) {
            return new KeysCommand(new ApiKeys(database.dataSource()), System.out).run(args);
        }
    }

    /** A directory as a person gave it: {@code ./data} rather than the absolute path, where it is below this one. */
    private static String shown(Path directory) {
        Path here = Path.of("").toAbsolutePath();
        return directory.startsWith(here) && !directory.equals(here) ? "./" + here.relativize(directory)
                : directory.toString();
    }

    private static int models(String[] args) {
        if (args.length < 1 || !args[0].equals("synthesize")) {
            System.err.println(USAGE);
            return 2;
        }
        Path out = null;
        SyntheticModel.Dims dims = SyntheticModel.Dims.TINY;
        long seed = 42;
        boolean englishOnly = false;
        try {
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "--dims": dims = SyntheticModel.Dims.parse(value(args, ++i, "--dims")); break;
                    case "--seed": seed = seed(value(args, ++i, "--seed")); break;
                    case "--english-only": englishOnly = true; break;
                    default:
                        if (args[i].startsWith("-") || out != null) {
                            throw new IllegalArgumentException("unknown option " + args[i]);
                        }
                        out = Path.of(args[i]);
                }
            }
            if (out == null) {
                out = Path.of("models", SyntheticModel.defaultFileName(dims, englishOnly));
            }
        } catch (IllegalArgumentException e) {
            System.err.println("models synthesize: " + e.getMessage());
            return 2;
        }
        try {
            long started = System.nanoTime();
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            SyntheticModel.write(out, dims, seed, englishOnly);
            System.out.printf("Wrote a synthetic %s%s model (seed %d) to %s in %d ms.%n", dims,
                    englishOnly ? " English-only" : "", seed, out, (System.nanoTime() - started) / 1_000_000);
            System.out.println("Its weights are random: its transcripts are nonsense. For tests, benchmarks and trying"
                    + " Scriptorium out only; serve says so wherever it shows the model.");
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("models synthesize: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("models synthesize: could not write " + out + ": " + e.getMessage());
            return 1;
        }
    }

    private static long seed(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed must be a whole number, but is '" + value + "'");
        }
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }
}
