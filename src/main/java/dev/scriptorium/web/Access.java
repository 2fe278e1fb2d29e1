package dev.scriptorium.web;

import dev.scriptorium.access.ApiKeys;
import dev.scriptorium.access.Caller;
import dev.scriptorium.access.RateLimits;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Who may call the API, and how often. Every /api request but the public status carries an API key
 * ({@code Authorization: Bearer KEY}), unless the operator allows anonymous use (on under {@code serve}). The admin
 * token of the configuration counts as an admin key. Each caller gets a budget of uploads and of requests per minute.
 */
final class Access {
    private static final String CALLER = "scriptorium.caller";
    private final ApiKeys keys;
    private final boolean anonymous;
    private final Optional<String> adminToken;
    private final RateLimits limits;

    Access(ApiKeys keys, boolean anonymous, Optional<String> adminToken, RateLimits limits) {
        this.keys = keys;
        this.anonymous = anonymous;
        this.adminToken = adminToken;
        this.limits = limits;
    }

    void register(RoutesConfig routes) {
        routes.before("/api/*", this::check);
        routes.before("/v1/*", this::check);
    }

    /** The caller of a request that passed {@link #check}. */
    static Caller caller(Context ctx) {
        Caller caller = ctx.attribute(CALLER);
        if (caller == null) {
            throw new IllegalStateException("no caller resolved for " + ctx.path());
        }
        return caller;
    }

    private void check(Context ctx) {
        if (ctx.path().equals("/api/v1/status") || ctx.path().equals("/api/v1/openapi.json")) {
            return;
        }
        boolean upload = ctx.method().name().equals("POST")
                && (ctx.path().equals("/api/v1/jobs") || ctx.path().equals("/api/v1/uploads")
                || ctx.path().startsWith("/v1/audio/"));
        try {
            Caller caller = resolve(ctx);
            ctx.attribute(CALLER, caller);
            OptionalLong retryAfter = upload ? limits.upload(caller.client()) : limits.request(caller.client());
            if (retryAfter.isPresent()) {
                ctx.header("Retry-After", String.valueOf(retryAfter.getAsLong()));
                throw new ApiError(429, "rate_limited", "Too many " + (upload ? "uploads" : "requests")
                        + " from this client in the last minute. Try again in " + retryAfter.getAsLong() + " s.");
            }
        } catch (ApiError refused) {
            if (upload && ctx.path().startsWith("/v1/")) {
                // OpenAI's SDKs read no answer before they have sent their whole body: a small one is read first.
                Multipart.drainRest(ctx);
            }
            throw refused;
        }
    }

    /** The cookie the page sets with its key, for the one request a browser makes without headers: a player's. */
    static final String MEDIA_COOKIE = "scriptorium_key";

    private Caller resolve(Context ctx) {
        String header = ctx.header("Authorization");
        String cookie = ctx.path().endsWith("/media") ? ctx.cookie(MEDIA_COOKIE) : null;
        if ((header == null || header.isBlank()) && cookie != null && !cookie.isBlank()) {
            // A <video> element sends no Authorization header. The cookie is SameSite=Strict and read here only.
            header = "Bearer " + cookie;
        }
        if (header == null || header.isBlank()) {
            if (anonymous) {
                return Caller.anonymous(ctx.ip());
            }
            throw unauthorized(ctx, "Send an API key as 'Authorization: Bearer KEY'. The operator creates keys with"
                    + " 'java -jar scriptorium.jar keys create NAME'.");
        }
        if (!header.startsWith("Bearer ")) {
            throw unauthorized(ctx, "Send the API key as 'Authorization: Bearer KEY'.");
        }
        String secret = header.substring(7).strip();
        if (adminToken.isPresent() && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                adminToken.get().getBytes(StandardCharsets.UTF_8))) {
            return new Caller(Optional.empty(), true, "admin-token", "admin token");
        }
        Optional<Caller> known = keys.find(secret)
                .map(key -> new Caller(Optional.of(key.id()), key.admin(), "key:" + key.id(), key.name()));
        // OpenAI's clients always send some key; where anonymous use is allowed, one that is not ours means none.
        if (known.isEmpty() && anonymous && ctx.path().startsWith("/v1/")) {
            return Caller.anonymous(ctx.ip());
        }
        return known.orElseThrow(() -> unauthorized(ctx, "This API key is not valid (unknown or revoked)."));
    }

    private static ApiError unauthorized(Context ctx, String message) {
        ctx.header("WWW-Authenticate", "Bearer");
        return new ApiError(401, "unauthorized", message);
    }
}
