package dev.scriptorium.storage;

import java.net.URI;

/** Coordinates of an S3-compatible object store. */
public record StorageSettings(URI endpoint, String bucket, String accessKey, String secretKey, String region,
                              boolean pathStyle) {
    @Override
    public String toString() {
        return "StorageSettings[" + endpoint + ", bucket=" + bucket + "]";
    }
}
