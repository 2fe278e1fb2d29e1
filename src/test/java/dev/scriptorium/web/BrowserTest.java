package dev.scriptorium.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.HeadlessChromium;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
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
import org.openqa.selenium.support.ui.Select;

/** The user's page and the admin dashboard in real headless Chromium, on a server that allows anonymous use. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserTest {
    private static final String ADMIN_TOKEN = "browser-test-admin-token-42";
    private static final String HOSTILE_NAME = "<img src=x onerror=alert(1)>.mp4";
    @TempDir
    static Path dir;
    private TestStack stack;
    private TestMedia media;
    private HeadlessChromium chromium;
    private WebDriver browser;
    private String firstJob;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("ADMIN_TOKEN", ADMIN_TOKEN, "WORKER_SLOTS", "1"));
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
    void theFormUploadsShowsRealProgressInWordsAndThenTheTranscriptWithSegmentTimes() throws Exception {
        browser.get(stack.baseUrl() + "/");
        new Select(browser.findElement(By.id("language"))).selectByValue("en");
        WebElement card = upload(media.longVideo(120));
        List<String> statuses = new ArrayList<>();
        List<Integer> progress = new ArrayList<>();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() -> {
            statuses.add(card.findElement(By.className("status")).getText());
            progress.add((int) Double.parseDouble(card.findElement(By.tagName("progress")).getDomProperty("value")));
            if (statuses.size() == 20) {
                chromium.screenshot("1-user-page-in-progress");
            }
            return statuses.get(statuses.size() - 1).equals("Completed");
        });
        chromium.screenshot("2-user-page-completed");
        firstJob = card.getDomAttribute("data-id");

        assertThat(statuses).anyMatch(status -> status.matches("Transcribing, \\d+\\.\\d %.*"));
        assertThat(progress).contains(100);
        assertThat(card.findElement(By.className("code")).getText()).contains("status: completed");
        assertThat(new Select(browser.findElement(By.id("language"))).getFirstSelectedOption().getDomAttribute(
                "value")).as("the language stays chosen after an upload").isEqualTo("en");
        assertThat(card.findElements(By.cssSelector(".links a"))).extracting(WebElement::getText)
                .containsExactly("TXT", "SRT", "VTT", "JSON");
        List<WebElement> segments = card.findElements(By.cssSelector(".transcript .segment"));
        assertThat(segments).hasSizeGreaterThan(2);
        assertThat(segments).allSatisfy(segment -> assertThat(segment.findElement(By.className("time")).getText())
                .matches("\\d+:\\d\\d"));
        assertThat(card.findElement(By.className("transcript-language")).getText())
                .isEqualTo("Language: English (requested)");

        // The transcript plays along with the uploaded file: a click on a segment seeks there and marks it. The click
        // goes to the segment's time, since a click on one of its words seeks to that word instead.
        WebElement third = segments.get(2);
        double start = Double.parseDouble(third.getDomAttribute("data-start"));
        third.findElement(By.className("time")).click();
        Object position = chromium.script("return arguments[0].querySelector('.player').currentTime;", card);
        assertThat(((Number) position).doubleValue()).isCloseTo(start, within(0.5));
        assertThat(third.getDomAttribute("class")).contains("playing");
        assertThat(segments.get(0).getDomAttribute("class")).doesNotContain("playing");
        chromium.screenshot("2b-user-page-segment-playing");
    }

    @Test
    @Order(2)
    void aReloadKeepsThisBrowsersJobsFollowsUnfinishedOnesLiveAndListsNobodyElses() throws Exception {
        String someoneElses = stack.api().upload(media.wav(), Map.of()).json().get("id").asText();
        browser.get(stack.baseUrl() + "/");
        WebElement uploaded = upload(media.longVideo(180));
        String running = await().atMost(Duration.ofMinutes(1)).until(
                () -> uploaded.getDomAttribute("data-id"), id -> id != null);

        browser.navigate().refresh();

        WebElement unfinished = await().atMost(Duration.ofSeconds(30)).until(() -> cards(running), c -> !c.isEmpty())
                .get(0);
        WebElement earlier = cards(firstJob).get(0);
        assertThat(earlier.findElement(By.className("status")).getText()).isEqualTo("Completed");
        assertThat(cards(someoneElses)).as("another anonymous caller's job").isEmpty();
        assertThat(new Select(browser.findElement(By.id("language"))).getFirstSelectedOption().getDomAttribute(
                "value")).isEqualTo("en");
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(
                () -> unfinished.findElement(By.className("status")).getText().equals("Completed"));

        earlier.findElement(By.className("show-transcript")).click();
        await().atMost(Duration.ofSeconds(20)).until(
                () -> earlier.findElements(By.cssSelector(".transcript .segment .time")).size() > 2);
        assertThat(earlier.findElements(By.cssSelector(".links a"))).hasSize(4);
        chromium.screenshot("2c-user-page-after-reload");
    }

    @Test
    @Order(3)
    void cancelAsksFirstAndACanceledCardShowsNoProgressBar() throws Exception {
        browser.get(stack.baseUrl() + "/");
        WebElement card = upload(media.longVideo(300));
        WebElement cancel = await().atMost(Duration.ofMinutes(1)).until(
                () -> card.findElements(By.cssSelector("button.cancel")), buttons -> !buttons.isEmpty()).get(0);
        String id = card.getDomAttribute("data-id");

        cancel.click();
        assertThat(browser.switchTo().alert().getText()).contains("Cancel the transcription of");
        browser.switchTo().alert().dismiss();
        assertThat(stack.api().job(id).get("status").asText()).isIn("queued", "processing");

        cancel.click();
        browser.switchTo().alert().accept();
        await().atMost(Duration.ofSeconds(30)).until(
                () -> card.findElement(By.className("status")).getText().equals("Canceled"));
        assertThat(card.findElements(By.tagName("progress"))).isEmpty();
        assertThat(stack.api().job(id).get("status").asText()).isEqualTo("canceled");
    }

    @Test
    @Order(4)
    void aFailedJobIsDescribedInWordsWithItsCodeStillVisibleAndNoProgressBar() throws Exception {
        browser.get(stack.baseUrl() + "/");
        WebElement card = upload(media.textFileNamedMp4());
        await().atMost(Duration.ofMinutes(5)).until(
                () -> card.findElement(By.className("status")).getText().startsWith("Failed"));

        assertThat(card.findElement(By.className("status")).getText())
                .isEqualTo("Failed: this is not an audio or video format we can read");
        assertThat(card.findElement(By.className("code")).getText()).contains("failure_code: unsupported_format");
        assertThat(card.findElement(By.cssSelector(".error")).getText()).isNotBlank();
        assertThat(card.findElements(By.tagName("progress"))).isEmpty();
        chromium.screenshot("2d-user-page-failed");
    }

    @Test
    @Order(4)
    void mediaFromAUrlTheGuardRefusesFailsInWordsAsDownloadForbidden() throws Exception {
        browser.get(stack.baseUrl() + "/");
        browser.findElement(By.id("source-url")).sendKeys("http://127.0.0.1:9/guarded-talk.mp4");
        browser.findElement(By.cssSelector("#upload button[type=submit]")).click();
        WebElement card = await().atMost(Duration.ofSeconds(30)).until(
                () -> browser.findElements(By.cssSelector("#jobs .job:not([data-listed])")).stream()
                        .filter(found -> found.findElement(By.tagName("h3")).getText().equals("guarded-talk.mp4"))
                        .findFirst(), Optional::isPresent).get();
        await().atMost(Duration.ofMinutes(2)).until(
                () -> card.findElement(By.className("status")).getText().startsWith("Failed"));

        assertThat(card.findElement(By.className("status")).getText())
                .isEqualTo("Failed: this server may not fetch from that address");
        assertThat(card.findElement(By.className("code")).getText()).contains("failure_code: download_forbidden");
        assertThat(card.findElement(By.cssSelector(".error")).getText()).contains("loopback");
        assertThat(browser.findElement(By.id("source-url")).getAttribute("value")).isEmpty();
    }

    @Test
    @Order(5)
    void aHostileFileNameIsShownAsTextOnTheUserPageAndInTheAdminDashboard() throws Exception {
        Path hostile = dir.resolve(HOSTILE_NAME);
        Files.copy(media.wav(), hostile, StandardCopyOption.REPLACE_EXISTING);
        browser.get(stack.baseUrl() + "/");
        assertThat(upload(hostile).findElement(By.tagName("h3")).getText()).isEqualTo(HOSTILE_NAME);
        assertThat(browser.findElements(By.tagName("img"))).isEmpty();

        openAdmin();
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElement(By.cssSelector("#jobs tbody"))
                .getText().contains(HOSTILE_NAME));
        assertThat(browser.findElements(By.tagName("img"))).isEmpty();
        chromium.screenshot("3-admin-hostile-name-as-text");
    }

    @Test
    @Order(6)
    void theAdminPanelFollowsAJobThroughCancelAndRetryWithOnlyTheActionsThatApply() throws Exception {
        ApiClient api = stack.api();
        String id = api.upload(media.longVideo(120), Map.of()).json().get("id").asText();
        openAdmin();
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElement(By.cssSelector("#queues tbody"))
                .getText().contains("transcribe"));
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElement(By.cssSelector("#workers tbody"))
                .getText().contains("cpu"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !row(id).isEmpty());
        row(id).get(0).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("detail")).isDisplayed());
        assertThat(button("retry").isEnabled()).isFalse();
        assertThat(button("retry").getDomAttribute("title")).contains("Only a failed or canceled job");
        assertThat(button("delete").isEnabled()).isFalse();
        assertThat(button("delete").getDomAttribute("title")).contains("cancel it first");
        chromium.screenshot("4-admin-job-detail");

        button("cancel").click();
        await().atMost(Duration.ofSeconds(20)).until(() -> detailStatus().startsWith("canceled"));
        assertThat(row(id).get(0).getText()).contains("canceled");
        assertThat(button("cancel").isEnabled()).isFalse();
        chromium.screenshot("5-admin-canceled");
        // The worker lets go of the job once its child is stopped; the overview shows the slot free again.
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.findElement(By.cssSelector("#workers tbody"))
                .getText().contains("0 busy of 1"));

        button("retry").click();
        await().atMost(Duration.ofSeconds(20)).until(() -> !detailStatus().startsWith("canceled"));
        WebElement reason = browser.findElement(By.id("detail-reason"));
        assertThat(reason.getText()).isEqualTo("Retried by an operator.");
        assertThat(reason.getDomAttribute("class")).isEqualTo("note");
        // No click: the panel and the row follow the job to its end by themselves.
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(250))
                .until(() -> detailStatus().startsWith("completed"));
        await().atMost(Duration.ofSeconds(10)).until(() -> row(id).get(0).getText().contains("completed"));
        assertThat(browser.findElement(By.cssSelector("#timeline tbody")).getText()).contains("canceled")
                .contains("transcribing");
        assertThat(button("delete").isEnabled()).isTrue();
        chromium.screenshot("6-admin-retried-and-completed");
    }

    @Test
    @Order(7)
    void aHeldJobsDeleteSaysHeldInsteadOfAskingForConfirmation() throws Exception {
        openAdmin();
        await().atMost(Duration.ofSeconds(20)).until(() -> !row(firstJob).isEmpty());
        row(firstJob).get(0).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> detailStatus().contains(firstJob));
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("detail-flags")).isDisplayed());
        assertThat(browser.findElement(By.id("detail-flags")).getText()).isEqualTo(flagCounts(firstJob));
        button("hold").click();
        await().atMost(Duration.ofSeconds(10)).until(() -> detailStatus().contains("under legal hold"));
        assertThat(button("delete").getText()).isEqualTo("Delete (held)");

        button("delete").click();
        assertThat(browser.findElement(By.id("action-error")).getText()).contains("held");
        assertThat(stack.api().job(firstJob).get("status").asText()).isEqualTo("completed");
        button("hold").click();
        await().atMost(Duration.ofSeconds(10)).until(() -> !detailStatus().contains("under legal hold"));
        assertThat(button("delete").getText()).isEqualTo("Delete");
    }

    @Test
    @Order(8)
    void clickingAWordSeeksThePlayerToIt() throws Exception {
        browser.get(stack.baseUrl() + "/");
        new Select(browser.findElement(By.id("language"))).selectByValue("auto");
        WebElement card = upload(media.longVideo(30));
        List<WebElement> words = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(
                () -> card.findElements(By.cssSelector(".transcript .segment .word")), found -> found.size() > 3);
        assertThat(card.findElement(By.className("transcript-language")).getText())
                .matches("Language: .+ \\(detected, \\d+%\\)");
        assertThat(words).allSatisfy(word -> assertThat(word.getTagName()).as("reachable by keyboard")
                .isEqualTo("button"));

        WebElement word = words.get(words.size() / 2);
        double start = Double.parseDouble(word.getDomAttribute("data-start"));
        word.click();
        assertThat(playerSeconds(card)).isCloseTo(start, within(0.3));

        // While it plays, the word being spoken is marked, and never more than one.
        List<Long> marked = new ArrayList<>();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> {
            marked.add((Long) chromium.script("return arguments[0].querySelectorAll('.word.current').length;", card));
            return playerSeconds(card) > start + 1.5;
        });
        assertThat(marked).allMatch(count -> count <= 1).contains(1L);
        chromium.screenshot("2e-user-page-word-playing");
    }

    /** "Flags: 2 low confidence, 0 repetition, 0 empty", counted from the API's transcript. */
    private String flagCounts(String id) throws Exception {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String flag : List.of("low_confidence", "repetition", "empty", "no_speech")) {
            counts.put(flag, 0);
        }
        for (JsonNode segment : stack.api().get("/api/v1/jobs/" + id + "/transcript?format=json").json()
                .get("segments")) {
            segment.get("flags").forEach(flag -> counts.merge(flag.asText(), 1, Integer::sum));
        }
        return "Flags: " + counts.entrySet().stream()
                .map(count -> count.getValue() + " " + count.getKey().replace('_', ' '))
                .collect(Collectors.joining(", "));
    }

    private double playerSeconds(WebElement card) {
        return ((Number) chromium.script("return arguments[0].querySelector('.player').currentTime;", card))
                .doubleValue();
    }

    /** Uploads through the form; the card of this upload, not one of the jobs listed from earlier visits. */
    private WebElement upload(Path file) {
        browser.findElement(By.id("files")).sendKeys(file.toAbsolutePath().toString());
        browser.findElement(By.cssSelector("#upload button[type=submit]")).click();
        String name = file.getFileName().toString();
        return await().atMost(Duration.ofSeconds(30)).until(
                () -> browser.findElements(By.cssSelector("#jobs .job:not([data-listed])")).stream()
                        .filter(card -> card.findElement(By.tagName("h3")).getText().equals(name)).findFirst(),
                Optional::isPresent).get();
    }

    private List<WebElement> cards(String id) {
        return browser.findElements(By.cssSelector("#jobs .job[data-id='" + id + "']"));
    }

    private List<WebElement> row(String id) {
        return browser.findElements(By.cssSelector("#jobs tr.job[data-id='" + id + "']"));
    }

    private WebElement button(String id) {
        return browser.findElement(By.id(id));
    }

    private String detailStatus() {
        return browser.findElement(By.id("detail-status")).getText();
    }

    private void openAdmin() {
        browser.get(stack.baseUrl() + "/admin");
        WebElement key = browser.findElement(By.id("admin-key"));
        key.clear();
        key.sendKeys(ADMIN_TOKEN);
        browser.findElement(By.cssSelector("#login button")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElement(By.id("dashboard")).isDisplayed());
    }
}
