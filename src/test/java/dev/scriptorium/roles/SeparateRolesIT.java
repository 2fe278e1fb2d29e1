package dev.scriptorium.roles;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.embedded.EmbeddedObjectStore;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.ExternalServices;
import dev.scriptorium.testing.TestDatabase;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar's web, scheduler and worker roles as three processes against one PostgreSQL, one S3 store and
 * one Redis: each runs only its own kind of work.
 */
class SeparateRolesIT {
    @TempDir
    Path dir;

    @Test
    void aJobUploadedToTheWebProcessIsIngestedByTheSchedulerAndTranscribedByTheWorkerNeverByTheWeb()
            throws Exception {
        try (TestDatabase database = TestDatabase.create();
             EmbeddedObjectStore s3 = EmbeddedObjectStore.start(dir.resolve("objects"))) {
            Map<String, String> shared = RoleEnvironments.shared(database, s3, dir);
            int dashboard = ExternalServices.freePortPair();
            Map<String, String> scheduler = RoleEnvironments.forRole(shared, dir, "scheduler");
            scheduler.put("DASHBOARD_PORT", String.valueOf(dashboard));
            Map<String, String> worker = RoleEnvironments.forRole(shared, dir, "worker");
            worker.put("WHISPER_MODEL", TestModels.syntheticTiny().toString());
            worker.put("WHISPER_TIMESTAMPS", "false");
            worker.put("WHISPER_TEMPERATURE_FALLBACK", "false");
            worker.put("WHISPER_THREADS", "2");
            Map<String, String> web = RoleEnvironments.forRole(shared, dir, "web");
            web.put("ANONYMOUS_ACCESS", "true");

            List<RoleProcess> started = new ArrayList<>();
            try {
                RoleProcess schedulerProcess = start(started, "scheduler", scheduler, "MANAGEMENT_PORT");
                RoleProcess workerProcess = start(started, "worker", worker, "MANAGEMENT_PORT");
                RoleProcess webProcess = start(started, "web", web, "HTTP_PORT");
                ApiClient api = new ApiClient(webProcess.baseUrl());

                String id = api.upload(new TestMedia(dir.resolve("media")).wav(), Map.of()).json().get("id").asText();
                JsonNode job = api.awaitFinished(id, Duration.ofMinutes(2));

                assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
                assertThat(api.get("/api/v1/jobs/" + id + "/transcript?format=txt").status()).isEqualTo(200);
                assertThat(serverThatRan(database, "transcribe", UUID.fromString(id)))
                        .startsWith("transcribe/" + workerProcess.pid() + "@");
                assertThat(serverThatRan(database, "ingest", UUID.fromString(id)))
                        .startsWith("ingest/" + schedulerProcess.pid() + "@");
                assertThat(serverNames(database, "transcribe")).allMatch(name -> name.contains("/" + workerProcess.pid()
                        + "@")).isNotEmpty();
                assertThat(serverNames(database, "ingest")).allMatch(name -> name.contains("/"
                        + schedulerProcess.pid() + "@")).isNotEmpty();
                assertThat(webProcess.mappedLibraries()).doesNotContain("whisper").doesNotContain("avcodec");
                assertThat(webProcess.children()).isZero();
                assertThat(workerProcess.children()).isPositive();
                HttpResponse<String> dashboardPage = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + dashboard + "/dashboard/overview")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(dashboardPage.statusCode()).isEqualTo(200);
            } finally {
                for (int i = started.size() - 1; i >= 0; i--) {
                    started.get(i).close();
                }
            }
        }
    }

    private RoleProcess start(List<RoleProcess> started, String role, Map<String, String> env, String portVariable)
            throws Exception {
        RoleProcess process = RoleProcess.start(role, dir, env, portVariable);
        started.add(process);
        return process;
    }

    /** The name of the JobRunr server that processed the job, from the job's state history. */
    private static String serverThatRan(TestDatabase database, String queue, UUID id) throws Exception {
        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement("select jobAsJson from " + queue
                     + "_jobrunr_jobs where id = ?")) {
            select.setString(1, id.toString());
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).as("a " + queue + " job for " + id).isTrue();
                java.util.regex.Matcher name = java.util.regex.Pattern.compile("\"serverName\"\\s*:\\s*\"([^\"]+)\"")
                        .matcher(row.getString(1));
                assertThat(name.find()).as(row.getString(1)).isTrue();
                return name.group(1);
            }
        }
    }

    private static List<String> serverNames(TestDatabase database, String queue) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement("select name from " + queue
                     + "_jobrunr_backgroundjobservers")) {
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        }
        return names;
    }
}
