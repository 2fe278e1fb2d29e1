package dev.scriptorium;

import dev.scriptorium.access.ApiKeys;
import dev.scriptorium.webhook.WebhookUrl;
import java.io.PrintStream;
import java.net.URI;
import java.util.Optional;

/** The {@code keys} tool: creates, changes and revokes API keys, printing each secret once. */
final class KeysCommand {
    private final ApiKeys keys;
    private final PrintStream out;

    KeysCommand(ApiKeys keys, PrintStream out) {
        this.keys = keys;
        this.out = out;
    }

    static boolean valid(String[] args) {
        if (args.length < 2) {
            return false;
        }
        return switch (args[0]) {
            case "create" -> createOptions(args) != null;
            case "webhook" -> args.length == 3;
            case "rotate-webhook-secret", "revoke" -> args.length == 2;
            default -> false;
        };
    }

    /** @return the process's exit status */
    int run(String[] args) throws Exception {
        String name = args[1];
        switch (args[0]) {
            case "revoke" -> {
                boolean revoked = keys.revoke(name);
                out.println(revoked ? "Revoked key " + name : "No live key named " + name);
                return revoked ? 0 : 1;
            }
            case "webhook" -> {
                Optional<URI> url = args[2].equalsIgnoreCase("none") ? Optional.empty() : Optional.of(WebhookUrl.parse(args[2], "the URL"));
                boolean set = keys.setWebhook(name, url);
                out.println(!set ? "No live key named " + name : url.map(value -> "Events of " + name
                        + "'s jobs now go to " + value).orElse("Key " + name + " has no default webhook URL now"));
                return set ? 0 : 1;
            }
            case "rotate-webhook-secret" -> {
                Optional<String> secret = keys.rotateWebhookSecret(name);
                if (secret.isEmpty()) {
                    out.println("No live key named " + name);
                    return 1;
                }
                out.println("New webhook signing secret of " + name + " (events are signed with it from now on):");
                out.println(secret.get());
                return 0;
            }
            default -> {
                CreateOptions options = createOptions(args);
                ApiKeys.Created created = keys.create(name, options.admin(), options.webhook().map(raw -> WebhookUrl.parse(raw, "--webhook")));
                out.println("Created " + (created.key().admin() ? "admin " : "") + "key " + name
                        + ". Store it now; it is not shown again:");
                out.println(created.secret());
                out.println("Webhook signing secret (verify events with it; 'keys rotate-webhook-secret " + name
                        + "' makes a new one):");
                out.println(created.webhookSecret());
                return 0;
            }
        }
    }

    private record CreateOptions(boolean admin, Optional<String> webhook) {
    }

    /** The options after {@code create NAME}, or null if they make no sense. */
    private static CreateOptions createOptions(String[] args) {
        boolean admin = false;
        Optional<String> webhook = Optional.empty();
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("--admin") && !admin) {
                admin = true;
            } else if (args[i].equals("--webhook") && webhook.isEmpty() && i + 1 < args.length) {
                webhook = Optional.of(args[++i]);
            } else {
                return null;
            }
        }
        return new CreateOptions(admin, webhook);
    }
}
