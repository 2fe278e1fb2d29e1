package dev.scriptorium.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.media.AudioChunk;
import dev.scriptorium.media.MediaFile;
import dev.scriptorium.media.QuietChunker;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.Patience;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestModels;
import dev.scriptorium.testing.TestStack;
import dev.scriptorium.transcription.JobAttempt;
import dev.scriptorium.transcription.JobOptions;
import dev.scriptorium.transcription.TranscriptSegment;
import dev.scriptorium.transcription.TranscriptWord;
import dev.scriptorium.transcription.Transcriber;
import dev.scriptorium.whisper.WhisperSegment;
import dev.scriptorium.whisper.WhisperSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** One file spread over two worker slots gives exactly what a serial run of the same chunks gives. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParallelChunksTest {
    @TempDir
    static Path dir;
    private TestStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("WORKER_SLOTS", "2", "WHISPER_THREADS", "1", "CHUNK_SECONDS", "60"));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void chunksSpreadOverTwoSlotsGiveTheSameSegmentsAndWordsAsASerialRunCoveringTheWholeFileInOrder()
            throws Exception {
        Path video = new TestMedia(dir.resolve("media")).longVideo(180);
        ApiClient api = stack.api();
        String id = api.upload(video, Map.of("language", "en")).json().get("id").asText();
        JsonNode job = api.awaitFinished(id, Patience.forAudio(600));
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        List<JobAttempt> attempts = stack.application().jobs().attempts(UUID.fromString(id));
        assertThat(chunksOnOtherSlots(attempts.get(attempts.size() - 1))).isPositive();
        JsonNode parallel = api.get("/api/v1/jobs/" + id + "/transcript?format=json").json().get("segments");

        List<TranscriptSegment> serial = serialRun(video, dir);

        assertSameAsSerial(job, parallel, serial);
    }

    @Test
    void autoLanguageIsDetectedOnceAndEveryChunkOnEverySlotIsAskedForThatLanguage() throws Exception {
        List<Sandbox> sandboxes = stack.application().worker().orElseThrow().slots().orElseThrow().sandboxes();
        List<Integer> askedBefore = new ArrayList<>();
        for (Sandbox sandbox : sandboxes) {
            askedBefore.add(sandbox.childStats().get("languages").size());
        }
        Path video = new TestMedia(dir.resolve("auto")).longVideo(180);
        ApiClient api = stack.api();
        String id = api.upload(video, Map.of("language", "auto")).json().get("id").asText();
        JsonNode job = api.awaitFinished(id, Patience.forAudio(180));
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");

        String language = job.get("language").asText();
        assertThat(language).matches("[a-z]{2,3}");
        assertThat(job.get("language_source").asText()).isEqualTo("detected");
        assertThat(job.get("language_probability").asDouble()).isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
        assertThat(job.get("language_alternatives")).hasSize(2);
        JsonNode transcript = api.get("/api/v1/jobs/" + id + "/transcript?format=json").json();
        assertThat(transcript.get("language").asText()).isEqualTo(language);
        assertThat(transcript.get("language_source").asText()).isEqualTo("detected");

        List<String> asked = new ArrayList<>();
        for (int i = 0; i < sandboxes.size(); i++) {
            JsonNode languages = sandboxes.get(i).childStats().get("languages");
            for (int j = askedBefore.get(i); j < languages.size(); j++) {
                asked.add(languages.get(j).asText());
            }
        }
        assertThat(asked).hasSizeGreaterThanOrEqualTo(3).containsOnly(language);
    }

    @Test
    void aRequestedLanguageIsRecordedAsRequested() throws Exception {
        ApiClient api = stack.api();
        String id = api.upload(new TestMedia(dir.resolve("requested")).wav(), Map.of("language", "de"))
                .json().get("id").asText();
        JsonNode job = api.awaitFinished(id, Patience.forAudio(10));
        assertThat(job.get("language").asText()).isEqualTo("de");
        assertThat(job.get("language_source").asText()).isEqualTo("requested");
        assertThat(job.path("language_probability").isNull() || job.path("language_probability").isMissingNode()).isTrue();
    }

    /** Same texts, times and words, in order, from the start of the file to its end. */
    static void assertSameAsSerial(JsonNode job, JsonNode parallel, List<TranscriptSegment> serial) {
        assertThat(parallel.size()).isEqualTo(serial.size());
        double previousStart = -1;
        for (int i = 0; i < serial.size(); i++) {
            JsonNode segment = parallel.get(i);
            assertThat(segment.get("text").asText()).isEqualTo(serial.get(i).text());
            assertThat(segment.get("start").asDouble()).isCloseTo(serial.get(i).start(), within(1e-6));
            assertThat(segment.get("end").asDouble()).isCloseTo(serial.get(i).end(), within(1e-6));
            List<TranscriptWord> serialWords = serial.get(i).words();
            assertThat(serialWords).as("words of serial segment %d", i).isNotEmpty();
            JsonNode words = segment.get("words");
            assertThat(words.size()).as("words of segment %d", i).isEqualTo(serialWords.size());
            for (int w = 0; w < serialWords.size(); w++) {
                assertThat(words.get(w).get("text").asText()).isEqualTo(serialWords.get(w).text());
                assertThat(words.get(w).get("start").asDouble()).isCloseTo(serialWords.get(w).start(), within(1e-6));
                assertThat(words.get(w).get("end").asDouble()).isCloseTo(serialWords.get(w).end(), within(1e-6));
            }
            assertThat(segment.get("start").asDouble()).isGreaterThanOrEqualTo(previousStart);
            previousStart = segment.get("start").asDouble();
        }
        double duration = job.get("media").get("duration_seconds").asDouble();
        assertThat(parallel.get(0).get("start").asDouble()).isLessThan(1.0);
        assertThat(parallel.get(parallel.size() - 1).get("end").asDouble()).isGreaterThan(duration - 1.0);
    }

    /** From the completed attempt's detail: "5 chunks: 3 on this slot, 2 on other slots, 0 resumed ...". */
    static int chunksOnOtherSlots(JobAttempt attempt) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(\\d+) on other slots")
                .matcher(attempt.detail().orElse(""));
        assertThat(matcher.find()).as(attempt.detail().orElse("")).isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    /** The same chunks, one after another on a single slot of its own, with the same model and settings. */
    static List<TranscriptSegment> serialRun(Path video, Path workDir) throws Exception {
        Path pcm = workDir.resolve("serial.f32");
        try (MediaFile media = MediaFile.open(video, "video.mp4")) {
            media.extractPcm(pcm, 3600, seconds -> { });
        }
        Transcriber transcriber = new Transcriber(new QuietChunker(60, 10));
        List<AudioChunk> chunks = transcriber.plan(pcm);
        assertThat(chunks).hasSizeGreaterThan(2);
        SandboxSettings settings = new SandboxSettings(1, List.of("-Xmx256m"), "cpu", Optional.empty(), 0,
                new TimeLimits(Duration.ofMinutes(5), Duration.ofMinutes(5), 4, Duration.ofMinutes(2)),
                Duration.ofMinutes(2));
        JobOptions options = new JobOptions(Optional.of("en"), JobOptions.Task.TRANSCRIBE);
        List<List<WhisperSegment>> perChunk = new ArrayList<>();
        try (WorkerSlots slots = new WorkerSlots(settings,
                new WhisperSettings(TestModels.syntheticTiny(), 1, 60, false, false, 5))) {
            Sandbox sandbox = slots.acquire();
            JobWatch unlimited = new JobWatch() {
                @Override
                public java.time.Instant deadline() {
                    return java.time.Instant.now().plusSeconds(600);
                }

                @Override
                public boolean canceled() {
                    return false;
                }
            };
            for (AudioChunk chunk : chunks) {
                perChunk.add(sandbox.transcribe(pcm, chunk, options, unlimited, fraction -> { }));
            }
        }
        return transcriber.stitch(chunks, perChunk, 0, options);
    }
}
