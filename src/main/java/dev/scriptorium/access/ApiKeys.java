package dev.scriptorium.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import dev.scriptorium.webhook.WebhookSignature;

/**
 * API keys in PostgreSQL, kept as SHA-256 hashes: a key is shown once, when it is created, and cannot be read back.
 * Lookups are cached for a minute, so that a busy client costs no database round trip per request; a revoked key
 * stops working within that minute. Thread-safe.
 */
public final class ApiKeys {
    private static final long CACHE_NANOS = 60_000_000_000L;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final DataSource dataSource;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public ApiKeys(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A key as the database knows it. */
    public record Key(UUID id, String name, boolean admin) {
    }

    /**
     * A new key and its secret, which exists only in this object and is never stored, and the secret that signs its
     * webhooks (stored, since signing needs it, but shown only here and when rotated).
     */
    public record Created(Key key, String secret, String webhookSecret) {
    }

    private record Cached(Optional<Key> key, long at) {
    }

    public Created create(String name, boolean admin) throws SQLException {
        return create(name, admin, Optional.empty());
    }

    /** @param webhook where the key's jobs announce their end unless a job names another URL */
    public Created create(String name, boolean admin, Optional<java.net.URI> webhook) throws SQLException {
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("a key's name is 1 to 100 letters, digits, dots, dashes or underscores");
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = "sk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Key key = new Key(UUID.randomUUID(), name, admin);
        String webhookSecret = WebhookSignature.newSecret();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("insert into api_key (id, name, key_hash, admin,"
                     + " created_at, webhook_url, webhook_secret) values (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setObject(1, key.id());
            insert.setString(2, name);
            insert.setString(3, hash(secret));
            insert.setBoolean(4, admin);
            insert.setTimestamp(5, Timestamp.from(Instant.now()));
            insert.setString(6, webhook.map(java.net.URI::toString).orElse(null));
            insert.setString(7, webhookSecret);
            insert.executeUpdate();
        }
        return new Created(key, secret, webhookSecret);
    }

    /**
     * Sets or clears the key's default webhook URL.
     *
     * @return false if there is no live key of that name
     */
    public boolean setWebhook(String name, Optional<java.net.URI> url) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "update api_key set webhook_url = ? where name = ? and revoked_at is null")) {
            update.setString(1, url.map(java.net.URI::toString).orElse(null));
            update.setString(2, name);
            return update.executeUpdate() == 1;
        }
    }

    /**
     * Gives the key a new webhook signing secret; events signed from now on use it.
     *
     * @return the new secret, or empty if there is no live key of that name
     */
    public Optional<String> rotateWebhookSecret(String name) throws SQLException {
        String webhookSecret = WebhookSignature.newSecret();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "update api_key set webhook_secret = ? where name = ? and revoked_at is null")) {
            update.setString(1, webhookSecret);
            update.setString(2, name);
            return update.executeUpdate() == 1 ? Optional.of(webhookSecret) : Optional.empty();
        }
    }

    /** The live key with this secret, if any. */
    public Optional<Key> find(String secret) {
        Cached cached = cache.get(secret);
        if (cached != null && System.nanoTime() - cached.at() < CACHE_NANOS) {
            return cached.key();
        }
        Optional<Key> key;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "select id, name, admin from api_key where key_hash = ? and revoked_at is null")) {
            select.setString(1, hash(secret));
            try (ResultSet row = select.executeQuery()) {
                key = row.next() ? Optional.of(new Key(row.getObject(1, UUID.class), row.getString(2),
                        row.getBoolean(3))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not look up an API key", e);
        }
        if (cache.size() > 10_000) {
            cache.clear();
        }
        cache.put(secret, new Cached(key, System.nanoTime()));
        return key;
    }

    public boolean revoke(String name) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "update api_key set revoked_at = now() where name = ? and revoked_at is null")) {
            update.setString(1, name);
            return update.executeUpdate() == 1;
        }
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
