package dev.scriptorium.access;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Who is calling: an API key, or anonymous use (no key, where the operator allows it), and whether the caller is an
 * admin. A job is visible to the key that created it (anonymous jobs to anonymous callers), and every job to admins.
 *
 * @param client what rate limits count against: the key's id, or the caller's address
 * @param name   who the caller is in words, for the record of who edited what: the key's name, "admin token" or
 *               "anonymous"
 */
public record Caller(Optional<UUID> key, boolean admin, String client, String name) {
    public static Caller anonymous(String address) {
        return new Caller(Optional.empty(), false, "ip:" + address, "anonymous");
    }

    public boolean maySee(UUID owner) {
        return admin || Objects.equals(key.orElse(null), owner);
    }
}
