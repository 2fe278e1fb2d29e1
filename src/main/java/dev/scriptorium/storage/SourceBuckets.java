package dev.scriptorium.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The buckets users may name media in ({@code s3://bucket/key}): only those the operator listed, so that no user
 * reads another bucket through the service's credentials. Thread-safe; close it once, from the composition root.
 */
public final class SourceBuckets implements AutoCloseable {
    private final S3Client s3;
    private final Set<String> allowed;

    /** @param store the store's endpoint and credentials; its bucket is not used */
    public SourceBuckets(StorageSettings store, List<String> allowed) {
        this.s3 = S3Clients.create(store);
        this.allowed = Set.copyOf(allowed);
    }

    public boolean allows(String bucket) {
        return allowed.contains(bucket);
    }

    /** An object's bytes and size, as the store announced it. Close it. */
    public record SourceObject(InputStream content, long size) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            content.close();
        }
    }

    /**
     * @throws IllegalArgumentException if the bucket is not one the operator listed
     * @throws MissingObjectException   if there is no such bucket or key
     */
    public SourceObject open(String bucket, String key) {
        if (!allows(bucket)) {
            throw new IllegalArgumentException("bucket " + bucket + " is not open to s3:// URLs");
        }
        try {
            ResponseInputStream<GetObjectResponse> object = s3.getObject(b -> b.bucket(bucket).key(key));
            Long size = object.response().contentLength();
            return new SourceObject(object, size == null ? -1 : size);
        } catch (NoSuchKeyException | NoSuchBucketException e) {
            throw new MissingObjectException("s3://" + bucket + "/" + key + " does not exist.");
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new MissingObjectException("s3://" + bucket + "/" + key + " does not exist.");
            }
            throw e;
        }
    }

    /** A named object that is not there. */
    public static final class MissingObjectException extends RuntimeException {
        public MissingObjectException(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
