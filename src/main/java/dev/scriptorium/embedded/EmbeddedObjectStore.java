package dev.scriptorium.embedded;

import dev.scriptorium.storage.StorageSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * An in-process S3-compatible server (S3Proxy) on the local filesystem, bound to loopback. Credentials are random per
 * start: only this process talks to it. Not thread-safe; start and close it from the composition root.
 */
public final class EmbeddedObjectStore implements AutoCloseable {
    public static final String BUCKET = "scriptorium";
    private final S3Proxy proxy;
    private final StorageSettings settings;

    private EmbeddedObjectStore(S3Proxy proxy, StorageSettings settings) {
        this.proxy = proxy;
        this.settings = settings;
    }

    public static EmbeddedObjectStore start(Path directory) throws Exception {
        Files.createDirectories(directory);
        String accessKey = "local-" + randomHex(8);
        String secretKey = randomHex(24);
        URI endpoint = URI.create("http://127.0.0.1:" + FreePort.pick());
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(directory.toString()))
                .endpoint(endpoint)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                proxy.stop();
                throw new IllegalStateException("The embedded S3 server did not start within 30 s");
            }
            Thread.sleep(10);
        }
        StorageSettings settings = new StorageSettings(endpoint, BUCKET, accessKey, secretKey, "us-east-1", true);
        return new EmbeddedObjectStore(proxy, settings);
    }

    public StorageSettings settings() {
        return settings;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
