package dev.scriptorium.roles;

import dev.scriptorium.embedded.EmbeddedObjectStore;
import dev.scriptorium.testing.ExternalServices;
import dev.scriptorium.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Environments of roles run as separate processes against one PostgreSQL, one S3 store and one Redis. */
final class RoleEnvironments {
    private RoleEnvironments() {
    }

    /** What every role shares: the services, a staging directory under {@code dir}, loopback only. */
    static Map<String, String> shared(TestDatabase database, EmbeddedObjectStore s3, Path dir) throws IOException {
        Map<String, String> shared = ExternalServices.environment(database, s3);
        shared.put("STAGING_DIR", Files.createDirectories(dir.resolve("staging")).toString());
        shared.put("HTTP_HOST", "127.0.0.1");
        return shared;
    }

    /** {@code shared} plus a data directory of the role's own under {@code dir}. */
    static Map<String, String> forRole(Map<String, String> shared, Path dir, String role) throws IOException {
        Map<String, String> env = new HashMap<>(shared);
        env.put("DATA_DIR", Files.createDirectories(dir.resolve(role)).toString());
        return env;
    }
}
