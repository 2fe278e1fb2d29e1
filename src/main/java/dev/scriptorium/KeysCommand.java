package dev.scriptorium;

import dev.scriptorium.access.ApiKeys;
import dev.scriptorium.app.ScriptoriumConfig;
import dev.scriptorium.database.Database;
import dev.scriptorium.embedded.DataDirDatabase;
import dev.scriptorium.webhook.WebhookUrl;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code keys} tool: creates, changes and revokes API keys, printing each secret once. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "API keys.",
        footer = {"", "All use DATABASE_URL if it is set, else serve's embedded PostgreSQL in DATA_DIR (./data): the"
                + " running serve's, or, while serve is stopped, started for the command."})
final class KeysCommand implements Runnable {
    /** Where the keys are: opens their database for one action and closes it after. */
    interface KeyStore {
        int with(KeyAction action) throws Exception;
    }

    interface KeyAction {
        int run(ApiKeys keys) throws Exception;
    }

    private final KeyStore store;

    @Spec
    private CommandSpec spec;

    KeysCommand(KeyStore store) {
        this.store = store;
    }

    /** The keys in the configured database, else in serve's embedded one in DATA_DIR. */
    static KeysCommand onConfiguredDatabase(PrintWriter out, PrintWriter err) {
        return new KeysCommand(action -> {
            ScriptoriumConfig config = ScriptoriumConfig.fromEnvironment(System.getenv());
            if (config.database().isPresent()) {
                ScriptoriumConfig.DatabaseSettings settings = config.database().get();
                return run(action, settings.jdbcUrl(), settings.user(), settings.password());
            }
            Optional<DataDirDatabase> embedded = DataDirDatabase.open(config.dataDir());
            if (embedded.isEmpty()) {
                err.println("No Scriptorium data in " + shown(config.dataDir()) + ": start `serve` once, or set"
                        + " DATABASE_URL");
                return 2;
            }
            try (DataDirDatabase database = embedded.get()) {
                if (database.startedHere()) {
                    err.println("serve is not running on " + shown(config.dataDir()) + ": its PostgreSQL runs for"
                            + " this command only");
                }
                return run(action, database.jdbcUrl(), database.user(), null);
            }
        });
    }

    private static int run(KeyAction action, String jdbcUrl, String user, String password) throws Exception {
        try (Database database = Database.open(jdbcUrl, user, password, 2)) {
            return action.run(new ApiKeys(database.dataSource()));
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Name a subcommand: create, webhook, rotate-webhook-secret or revoke.");
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = {"Create an API key (printed once;"
            + " only its hash is stored) and its webhook signing secret."})
    int create(@Parameters(paramLabel = "NAME", description = "The key's name.") String name,
               @Option(names = "--admin", description = "An admin key: sees every job and the admin API.")
               boolean admin,
               @Option(names = "--webhook", paramLabel = "URL", description = "Where its jobs' events go unless a"
                       + " job names a URL.") String webhook) throws Exception {
        Optional<URI> url = Optional.ofNullable(webhook).map(raw -> WebhookUrl.parse(raw, "--webhook"));
        return store.with(keys -> {
            ApiKeys.Created created = keys.create(name, admin, url);
            PrintWriter out = out();
            out.println("Created " + (created.key().admin() ? "admin " : "") + "key " + name
                    + ". Store it now; it is not shown again:");
            out.println(created.secret());
            out.println("Webhook signing secret (verify events with it; 'keys rotate-webhook-secret " + name
                    + "' makes a new one):");
            out.println(created.webhookSecret());
            return 0;
        });
    }

    @Command(name = "webhook", mixinStandardHelpOptions = true, description = "Set or clear a key's default"
            + " webhook URL.")
    int webhook(@Parameters(paramLabel = "NAME", description = "The key's name.") String name,
                @Parameters(paramLabel = "URL|none", description = "The URL, or none to clear it.") String raw)
            throws Exception {
        Optional<URI> url = raw.equalsIgnoreCase("none") ? Optional.empty()
                : Optional.of(WebhookUrl.parse(raw, "the URL"));
        return store.with(keys -> {
            boolean set = keys.setWebhook(name, url);
            out().println(!set ? "No live key named " + name : url.map(value -> "Events of " + name
                    + "'s jobs now go to " + value).orElse("Key " + name + " has no default webhook URL now"));
            return set ? 0 : 1;
        });
    }

    @Command(name = "rotate-webhook-secret", mixinStandardHelpOptions = true, description = "Give a key a new"
            + " webhook signing secret (printed once).")
    int rotateWebhookSecret(@Parameters(paramLabel = "NAME", description = "The key's name.") String name)
            throws Exception {
        return store.with(keys -> {
            Optional<String> secret = keys.rotateWebhookSecret(name);
            if (secret.isEmpty()) {
                out().println("No live key named " + name);
                return 1;
            }
            out().println("New webhook signing secret of " + name + " (events are signed with it from now on):");
            out().println(secret.get());
            return 0;
        });
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an API key.")
    int revoke(@Parameters(paramLabel = "NAME", description = "The key's name.") String name) throws Exception {
        return store.with(keys -> {
            boolean revoked = keys.revoke(name);
            out().println(revoked ? "Revoked key " + name : "No live key named " + name);
            return revoked ? 0 : 1;
        });
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** A directory as a person gave it: {@code ./data} rather than the absolute path, where it is below this one. */
    private static String shown(Path directory) {
        Path here = Path.of("").toAbsolutePath();
        return directory.startsWith(here) && !directory.equals(here) ? "./" + here.relativize(directory)
                : directory.toString();
    }
}
