package dev.scriptorium.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scriptorium.database.Database;
import dev.scriptorium.testing.TestDatabase;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jobrunr.server.BackgroundJobServer;
import org.junit.jupiter.api.Test;

class JobQueueTest {

    /** A job handler that remembers which ids it ran. */
    public static final class Recorder {
        final Set<UUID> ran = ConcurrentHashMap.newKeySet();

        public void run(UUID id) {
            ran.add(id);
        }
    }

    @Test
    void aJobServerThatStoppedByItselfIsReplacedAndTheQueueServesAgain() throws Exception {
        try (TestDatabase testDatabase = TestDatabase.create();
             Database database = Database.open(testDatabase.jdbcUrl(), testDatabase.user(), null, 4);
             JobQueue queue = new JobQueue("watched", database.dataSource())) {
            Recorder recorder = new Recorder();
            queue.startServer(1, Duration.ofSeconds(5), Map.of(Recorder.class, recorder));
            BackgroundJobServer first = queue.currentServer().orElseThrow();

            // What JobRunr's own heartbeat does after a database error: it stops its server for good.
            first.stop();

            await().atMost(Duration.ofSeconds(30)).until(() -> queue.currentServer()
                    .filter(server -> server != first && server.isRunning()).isPresent());
            UUID id = UUID.randomUUID();
            queue.enqueue(id, (Recorder job) -> job.run(id));
            await().atMost(Duration.ofSeconds(30)).until(() -> recorder.ran.contains(id));
            assertThat(first.isRunning()).isFalse();
        }
    }
}
