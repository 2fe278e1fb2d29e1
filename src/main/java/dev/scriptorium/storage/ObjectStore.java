package dev.scriptorium.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The media bucket in an S3-compatible store. Keys are always chosen by the server. Thread-safe: the underlying
 * {@link S3Client} is; close it once, from the composition root.
 */
public final class ObjectStore implements AutoCloseable {
    private final S3Client s3;
    private final String bucket;

    public ObjectStore(StorageSettings settings) {
        this.bucket = settings.bucket();
        this.s3 = S3Clients.create(settings);
    }

    /** Creates the bucket if it does not exist yet. */
    public void ensureBucket() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            createBucket();
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            createBucket();
        }
    }

    private void createBucket() {
        try {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException e) {
            // Another node created it first: fine.
        }
    }

    /** Uploads a file; putting the same key again replaces it, so a re-run ingest is harmless. */
    public void put(String key, Path file, String contentType) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromFile(file));
    }

    /** Downloads an object into {@code target}, which must not exist yet. */
    public void download(String key, Path target) throws IOException {
        Files.deleteIfExists(target);
        s3.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toFile(target));
    }

    /**
     * Bytes {@code first} to {@code last} (inclusive) of an object, as a stream the caller closes.
     *
     * @throws java.util.NoSuchElementException if there is no such object
     */
    public Stretch read(String key, long first, long last) {
        try {
            ResponseInputStream<GetObjectResponse> body = s3.getObject(b -> b.bucket(bucket).key(key)
                    .range("bytes=" + first + "-" + last));
            return new Stretch(body, body.response().contentLength());
        } catch (NoSuchKeyException e) {
            throw new java.util.NoSuchElementException("no object " + key);
        }
    }

    /** Part of an object's bytes: {@code length} of them, from {@code body}. */
    public record Stretch(java.io.InputStream body, long length) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    public boolean exists(String key) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    public long size(String key) {
        return s3.headObject(b -> b.bucket(bucket).key(key)).contentLength();
    }

    /** One stored object, as listed. */
    public record StoredObject(String key, long size, java.time.Instant lastModified) {
    }

    /** Hands every object under a prefix to {@code page}, a page (up to 1000) at a time, in key order. */
    public void walk(String prefix, java.util.function.Consumer<java.util.List<StoredObject>> page) {
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).forEach(response -> {
            if (!response.contents().isEmpty()) {
                page.accept(response.contents().stream()
                        .map(object -> new StoredObject(object.key(), object.size(), object.lastModified()))
                        .toList());
            }
        });
    }

    /**
     * Deletes many objects, a thousand per request; keys that are gone already count as deleted.
     *
     * @throws IllegalStateException naming the first key the store refused to delete
     */
    public void deleteAll(java.util.Collection<String> keys) {
        java.util.List<String> all = java.util.List.copyOf(keys);
        for (int from = 0; from < all.size(); from += 1000) {
            java.util.List<software.amazon.awssdk.services.s3.model.ObjectIdentifier> batch = all
                    .subList(from, Math.min(all.size(), from + 1000)).stream()
                    .map(key -> software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder().key(key).build())
                    .toList();
            var response = s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
            if (response.hasErrors() && !response.errors().isEmpty()) {
                var error = response.errors().get(0);
                throw new IllegalStateException("The object store did not delete " + error.key() + ": "
                        + error.code() + " " + error.message());
            }
        }
    }

    /** Keys under a prefix, in key order. */
    public java.util.List<String> keys(String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                .map(software.amazon.awssdk.services.s3.model.S3Object::key)
                .toList();
    }

    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    /** Throws if the store cannot be reached or the bucket is gone. */
    public void check() {
        s3.headBucket(b -> b.bucket(bucket));
    }

    @Override
    public void close() {
        s3.close();
    }
}
