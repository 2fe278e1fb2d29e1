package dev.scriptorium.web;

import java.util.Optional;

/**
 * The public HTTP listener, the upload size limit, and the admin API's bearer token (no token: no admin API).
 */
public record HttpSettings(String host, int port, long maxUploadBytes, Optional<String> adminToken) {
    @Override
    public String toString() {
        return "HttpSettings[" + host + ":" + port + ", maxUploadBytes=" + maxUploadBytes + ", adminToken="
                + (adminToken.isPresent() ? "(set)" : "(none)") + "]";
    }
}
