package dev.scriptorium.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.testing.HeadlessChromium;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The page as a workspace, in real headless Chromium: files dropped on the form, job pages, search that plays from
 * a hit, and corrections that downloads and search pick up while Whisper's text stays available.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkspaceBrowserTest {
    private static final Pattern WORD = Pattern.compile("\\p{L}{4,}");
    @TempDir
    static Path dir;
    private TestStack stack;
    private TestMedia media;
    private HeadlessChromium chromium;
    private WebDriver browser;
    private List<String> jobs;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("WORKER_SLOTS", "1"));
        media = new TestMedia(dir.resolve("media"));
        chromium = HeadlessChromium.start();
        browser = chromium.driver();
    }

    @AfterAll
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void twoFilesDroppedOnTheFormBecomeTwoJobsThatCompleteAndOpenOnTheirOwnPages() throws Exception {
        browser.get(stack.baseUrl() + "/");
        drop(media.longVideo(20), media.wav());

        jobs = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(() -> browser
                .findElements(By.cssSelector("#jobs .job.completed")).stream()
                .map(card -> card.getDomAttribute("data-id")).toList(), ids -> ids.size() == 2);
        for (String id : jobs) {
            assertThat(stack.database().count("select count(*) from idempotent_submit where job_id = ?::uuid"
                    + " and idempotency_key like 'tus:%'", id)).as("made by a resumable upload").isEqualTo(1);
        }

        for (String id : jobs) {
            browser.get(stack.baseUrl() + "/jobs/" + id);
            WebElement card = await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElements(
                    By.cssSelector("#jobs .job.completed")), found -> found.size() == 1).get(0);
            assertThat(card.getDomAttribute("data-id")).isEqualTo(id);
            await().atMost(Duration.ofSeconds(20)).until(() -> !card.findElements(By.cssSelector(
                    ".transcript .segment")).isEmpty());
            assertThat(browser.findElement(By.id("upload")).isDisplayed()).isFalse();
            assertThat(card.findElement(By.className("player")).getDomProperty("src")).endsWith(id + "/media");
        }
        chromium.screenshot("18-job-page");
    }

    @Test
    @Order(2)
    void aWordOfATranscriptFindsItsJobAndTheHitPlaysTheMediaFromItsSegment() throws Exception {
        String job = jobs.get(0);
        JsonNode segment = segmentWithAWord(job);
        String word = longestWord(segment.path("text").asText());
        browser.get(stack.baseUrl() + "/");

        search(word);

        WebElement result = await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElements(By.cssSelector(
                "#results .result[data-id='" + job + "']")), found -> !found.isEmpty()).get(0);
        assertThat(result.findElement(By.tagName("mark")).getText()).isEqualToIgnoringCase(word);
        chromium.screenshot("18-search-result");
        WebElement hit = result.findElements(By.className("hit")).get(0);
        double start = Double.parseDouble(hit.getDomAttribute("data-start"));
        hit.click();
        await().atMost(Duration.ofSeconds(20)).until(() -> playerSeconds(result) > start + 0.5);
    }

    @Test
    @Order(3)
    void anEditedSegmentIsWhatTheSrtAndSearchShowWhileWhispersTextIsStillServed() throws Exception {
        String job = jobs.get(0);
        JsonNode segment = segmentWithAWord(job);
        String whisper = segment.path("text").asText().strip();
        browser.get(stack.baseUrl() + "/jobs/" + job);
        WebElement line = await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElements(By.cssSelector(
                ".transcript .segment[data-id='" + segment.path("id").asInt() + "']")), found -> !found.isEmpty())
                .get(0);

        line.findElement(By.className("edit-segment")).click();
        WebElement box = line.findElement(By.tagName("textarea"));
        box.clear();
        box.sendKeys("Ms Okonkwo presented the quarterly forecast");
        line.findElement(By.className("save-segment")).click();

        await().atMost(Duration.ofSeconds(10)).until(() -> !line.findElements(By.className("badge")).isEmpty());
        assertThat(line.getText()).contains("Ms Okonkwo presented the quarterly forecast");
        chromium.screenshot("18-edited-transcript");
        String srt = stack.api().get(link(job, "SRT", false)).body();
        String original = stack.api().get(link(job, "SRT", true)).body();
        assertThat(srt).contains("Ms Okonkwo presented the quarterly forecast");
        assertThat(original).doesNotContain("Okonkwo").contains(longestWord(whisper));
        browser.get(stack.baseUrl() + "/");
        search("\"quarterly forecast\"");
        WebElement result = await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElements(By.cssSelector(
                "#results .result[data-id='" + job + "']")), found -> !found.isEmpty()).get(0);
        assertThat(result.findElements(By.tagName("mark"))).extracting(WebElement::getText)
                .containsExactly("quarterly", "forecast");
    }

    /** The href of a download link on the job's page: the latest text, or Whisper's original. */
    private String link(String job, String format, boolean original) {
        browser.get(stack.baseUrl() + "/jobs/" + job);
        String selector = original ? ".original-links a" : ".links a";
        WebElement link = await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElements(
                By.cssSelector(selector)), found -> !found.isEmpty()).stream()
                .filter(candidate -> candidate.getText().equals(format)).findFirst().orElseThrow();
        String href = link.getDomAttribute("href");
        assertThat(href).startsWith("/api/v1/jobs/" + job + "/transcript");
        return href;
    }

    /** Drops files on the form as a file manager would: a drop event carrying them. */
    private void drop(Path... files) {
        chromium.script("const input = document.createElement('input'); input.type = 'file'; input.multiple = true;"
                + " input.id = 'dragged'; document.body.append(input);");
        browser.findElement(By.id("dragged")).sendKeys(String.join("\n", java.util.Arrays.stream(files)
                .map(file -> file.toAbsolutePath().toString()).toList()));
        chromium.script("const files = new DataTransfer();"
                + " for (const file of document.getElementById('dragged').files) files.items.add(file);"
                + " document.getElementById('drop').dispatchEvent(new DragEvent('drop', {dataTransfer: files,"
                + " bubbles: true, cancelable: true}));");
    }

    private void search(String text) {
        WebElement field = browser.findElement(By.id("search-text"));
        field.clear();
        field.sendKeys(text);
        browser.findElement(By.cssSelector("#search button")).click();
    }

    private JsonNode segmentWithAWord(String job) throws Exception {
        for (JsonNode segment : stack.api().get("/api/v1/jobs/" + job + "/transcript").json().path("segments")) {
            if (WORD.matcher(segment.path("text").asText()).find()) {
                return segment;
            }
        }
        throw new AssertionError("the synthetic model's transcript of " + job + " has no word of four letters");
    }

    /** The longest word, the least likely to be one a language ignores ("with", "that"). */
    private static String longestWord(String text) {
        Matcher word = WORD.matcher(text);
        String longest = "";
        while (word.find()) {
            longest = word.group().length() > longest.length() ? word.group() : longest;
        }
        assertThat(longest).isNotEmpty();
        return longest;
    }

    private double playerSeconds(WebElement result) {
        return ((Number) chromium.script("const player = arguments[0].querySelector('.player');"
                + " return player ? player.currentTime : -1;", result)).doubleValue();
    }
}
