package dev.scriptorium.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scriptorium.embedded.EmbeddedObjectStore;
import dev.scriptorium.serve.ServeProcess;
import dev.scriptorium.testing.ExternalServices;
import dev.scriptorium.testing.LocalProcesses;
import dev.scriptorium.testing.Signals;
import dev.scriptorium.testing.StrictCaptions;
import dev.scriptorium.testing.TestDatabase;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar's {@code transcribe} command against a running serve (the packaged jar too, on the real PostgreSQL,
 * Redis and S3Proxy, FFmpeg and whisper-jni with a synthetic model), and on its own. Both run as processes: this JVM's
 * class path holds the packaged jar and its parts side by side, which JobRunr refuses to start on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TranscribeIT {
    private static final Duration LIMIT = Duration.ofMinutes(4);
    private final ObjectMapper json = new ObjectMapper();
    private TestDatabase database;
    private EmbeddedObjectStore objects;
    private ServeProcess serve;
    private TestMedia media;

    @TempDir
    Path home;

    @BeforeAll
    void start() throws Exception {
        database = TestDatabase.create();
        objects = EmbeddedObjectStore.start(Files.createTempDirectory("transcribe-objects"));
        Map<String, String> env = new HashMap<>(ExternalServices.environment(database, objects));
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("DATA_DIR", Files.createTempDirectory("transcribe-serve").toString());
        env.put("WHISPER_MODEL", TestModels.syntheticTiny().toString());
        env.put("WHISPER_TIMESTAMPS", "false");
        env.put("WHISPER_TEMPERATURE_FALLBACK", "false");
        env.put("RATE_LIMIT_UPLOADS_PER_MINUTE", "0");
        env.put("RATE_LIMIT_REQUESTS_PER_MINUTE", "0");
        serve = ServeProcess.start(Files.createTempDirectory("transcribe-serve-home"), env, "serve.log");
        media = new TestMedia(Files.createTempDirectory("transcribe-media"));
    }

    @AfterAll
    void stop() throws Exception {
        if (serve != null) {
            serve.close();
        }
        if (objects != null) {
            objects.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private Path put(Path source, String name) throws Exception {
        Path target = home.resolve(name);
        Files.createDirectories(target.getParent());
        return Files.copy(source, target);
    }

    private long jobs() throws Exception {
        return database.count("select count(*) from transcription_job");
    }

    private String[] againstServer(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", serve.baseUrl().toString()));
        return all.toArray(String[]::new);
    }

    @Test
    void aFolderOfMixedFilesSubmitsItsFiveMediaFilesAndSaysWhyTheBadOneFailed() throws Exception {
        put(media.tone(3), "lectures/a.wav");
        put(media.mp3(), "lectures/day 2/b.mp3");
        put(media.m4a(), "lectures/day 2/deep/c.m4a");
        put(media.mp3(), "lectures/notes.txt");
        put(media.textFileNamedMp4(), "lectures/day 2/broken.mp4");
        put(media.tone(3), "lectures/.hidden.wav");
        long before = jobs();

        TranscribeProcess run = TranscribeProcess.run(home, Map.of(), LIMIT, againstServer("lectures"));

        assertThat(run.status()).as(run.shown()).isEqualTo(1);
        assertThat(jobs() - before).as(run.shown()).isEqualTo(5);
        String output = run.output();
        assertThat(output).contains("ignored lectures/.hidden.wav: hidden");
        assertThat(output.lines().filter(line -> line.startsWith("lectures/day 2/broken.mp4 ")))
                .singleElement().asString().contains("failed").contains("not a video or audio format")
                .contains("(unsupported_format)");
        assertThat(output).containsPattern("3 completed, 1 failed|4 completed, 1 failed");
        for (String stem : List.of("lectures/a", "lectures/day 2/b", "lectures/day 2/deep/c", "lectures/notes.txt")) {
            StrictCaptions.parse(Files.readString(home.resolve(stem + ".srt")), ',', 2);
            String vtt = Files.readString(home.resolve(stem + ".vtt"));
            assertThat(vtt).startsWith("WEBVTT\n\n");
            StrictCaptions.parse(vtt.substring("WEBVTT\n\n".length()), '.', 2);
            assertThat(home.resolve(stem + ".txt")).exists();
            JsonNode transcript = json.readTree(home.resolve(stem + ".json").toFile());
            assertThat(transcript.get("segments").isArray()).as(stem).isTrue();
        }
        assertThat(home.resolve("lectures/notes.txt")).as("an input is never replaced by an output")
                .hasSameBinaryContentAs(media.mp3());
        assertThat(home.resolve("lectures/.hidden.srt")).doesNotExist();
        assertThat(home.resolve("lectures/day 2/broken.srt")).doesNotExist();
        assertOneLinePerStateChange(output);
        assertThat(run.errors()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /** The plain output for a pipe: each line a file's new state, never the state it already had. */
    private static void assertOneLinePerStateChange(String output) {
        Map<String, List<String>> states = new LinkedHashMap<>();
        for (String line : output.lines().toList()) {
            if (line.isBlank()) {
                break;
            }
            assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d .+");
            String text = line.substring(9);
            int colon = text.indexOf(": ");
            if (text.startsWith("lectures/") && colon > 0) {
                String state = text.substring(colon + 2);
                List<String> seen = states.computeIfAbsent(text.substring(0, colon), file -> new ArrayList<>());
                seen.add(state);
            }
        }
        assertThat(states.values()).allSatisfy(sequence -> {
            for (int index = 1; index < sequence.size(); index++) {
                assertThat(sequence.get(index)).isNotEqualTo(sequence.get(index - 1));
            }
        });
    }

    @Test
    void jsonOutputIsOneParsableEventPerLine() throws Exception {
        put(media.tone(2), "json/tone.wav");

        TranscribeProcess run = TranscribeProcess.run(home, Map.of(), LIMIT, againstServer("json", "--json",
                "--format", "srt"));

        assertThat(run.status()).as(run.shown()).isZero();
        List<JsonNode> events = new ArrayList<>();
        for (String line : run.output().lines().toList()) {
            events.add(json.readTree(line));
        }
        assertThat(events).allSatisfy(event -> assertThat(event.path("event").isTextual()).isTrue());
        assertThat(events.stream().filter(event -> event.get("event").asText().equals("state"))
                .map(event -> event.get("state").asText())).contains("uploading", "completed");
        JsonNode summary = events.get(events.size() - 1);
        assertThat(summary.get("event").asText()).isEqualTo("summary");
        assertThat(summary.get("exit_status").asInt()).isZero();
        assertThat(summary.get("files").get(0).get("outputs").get(0).asText()).isEqualTo("json/tone.srt");
    }

    @Test
    void anInterruptedBatchIsPickedUpByTheNextRunWithoutUploadingAnythingTwice() throws Exception {
        List<Path> outputs = new ArrayList<>();
        for (int index = 1; index <= 4; index++) {
            put(media.tone(5 + index), "backlog/part" + index + ".wav");
            outputs.add(home.resolve("backlog/part" + index + ".srt"));
        }
        long before = jobs();
        String firstOutput;

        try (TranscribeProcess first = TranscribeProcess.start(home, Map.of(), againstServer("backlog",
                "--parallel", "1", "--format", "srt"))) {
            first.awaitOutput("backlog/part1.wav: completed", LIMIT);
            Signals.send(first.pid(), "INT");
            first.awaitOutput("Stopping: no new files", Duration.ofSeconds(30));
            Signals.send(first.pid(), "INT");
            int status = first.awaitExit(Duration.ofSeconds(60));

            assertThat(status).as(first.shown()).isEqualTo(130);
            assertThat(first.output()).contains("Leaving now").contains("not started");
            assertThat(first.errors()).doesNotContain("Exception");
            firstOutput = first.output();
        }
        long afterFirst = jobs() - before;
        assertThat(afterFirst).isBetween(1L, 3L);
        boolean leftOne = firstOutput.contains("left running");

        TranscribeProcess second = TranscribeProcess.run(home, Map.of(), LIMIT, againstServer("backlog",
                "--parallel", "1", "--format", "srt"));

        assertThat(second.status()).as(second.shown()).isZero();
        assertThat(jobs() - before).as(second.shown()).isEqualTo(4);
        assertThat(second.output()).contains("backlog/part1.wav: skipped");
        if (leftOne) {
            assertThat(second.output()).contains("backlog/part2.wav: picked up");
        }
        assertThat(outputs).allSatisfy(output -> assertThat(output).isNotEmptyFile());
    }

    @Test
    void withoutAServerOrAModelItSaysHowToGetOneAndLeavesNoProcessBehind() throws Exception {
        put(media.tone(2), "no-model/memo.wav");
        Path data = home.resolve("no-model-data");

        TranscribeProcess run = TranscribeProcess.run(home, Map.of(), LIMIT, "no-model", "--data-dir",
                data.toString());

        assertThat(run.status()).as(run.shown()).isEqualTo(1);
        assertThat(run.errors()).startsWith("transcribe: a standalone run needs a Whisper model.")
                .contains("WHISPER_MODEL").contains("models/download.sh").doesNotContain("Exception");
        assertThat(home.resolve("no-model/memo.srt")).doesNotExist();
        assertThat(LocalProcesses.mentioning(data.toString())).isEmpty();
    }

    @Test
    void withoutAServerItRunsOnItsOwnAndLeavesNoProcessBehind() throws Exception {
        put(media.tone(2), "alone/memo.wav");
        Path data = home.resolve("standalone-data");

        TranscribeProcess run = TranscribeProcess.run(home, Map.of("WHISPER_MODEL",
                TestModels.syntheticTiny().toString()), LIMIT, "alone", "--data-dir", data.toString(), "--format",
                "txt,json");

        assertThat(run.status()).as(run.shown()).isZero();
        assertThat(run.output()).contains("No --server: starting Scriptorium in this process");
        assertThat(home.resolve("alone/memo.txt")).exists();
        assertThat(json.readTree(home.resolve("alone/memo.json").toFile()).get("segments").isArray()).isTrue();
        assertThat(data.resolve("postgres")).isDirectory();
        assertThat(data.resolve("transcribe.log")).exists();
        assertThat(LocalProcesses.mentioning(data.toString())).isEmpty();
    }
}
