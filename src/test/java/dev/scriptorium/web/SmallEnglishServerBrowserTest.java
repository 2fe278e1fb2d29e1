package dev.scriptorium.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.Patience;
import dev.scriptorium.testing.HeadlessChromium;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestModels;
import dev.scriptorium.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** The user's page follows what the server says of itself: an English-only model, and a small upload limit. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmallEnglishServerBrowserTest {
    private static final long LIMIT = 200_000;
    @TempDir
    static Path dir;
    private TestStack stack;
    private HeadlessChromium chromium;
    private WebDriver browser;

    @BeforeAll
    void start() throws Exception {
        stack = TestStack.start(Map.of("WHISPER_MODEL", TestModels.syntheticTinyEnglishOnly().toString(),
                "MAX_UPLOAD_BYTES", String.valueOf(LIMIT)));
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
    void anEnglishOnlyModelHidesTheLanguageChoiceAndTranslationAndSaysWhy() throws Exception {
        browser.get(stack.baseUrl() + "/");
        WebElement note = await().atMost(Duration.ofSeconds(30)).until(
                () -> browser.findElement(By.id("english-only")), WebElement::isDisplayed);

        assertThat(note.getText()).contains("English only").contains("translation");
        assertThat(browser.findElement(By.id("task")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("language")).isDisplayed()).isFalse();
        chromium.screenshot("7-user-page-english-only-model");
    }

    @Test
    void anEnglishOnlyModelTranscribesInEnglishWithoutDetectingTheLanguage() throws Exception {
        ApiClient api = stack.api();
        Path small = new TestMedia(dir.resolve("media")).mp3();
        String id = api.upload(small, Map.of("language", "auto")).json().get("id").asText();
        JsonNode job = api.awaitFinished(id, Patience.forAudio(10));
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(job.get("language").asText()).isEqualTo("en");
        assertThat(job.get("language_source").asText()).isEqualTo("model");
    }

    @Test
    void aFileOverTheServersLimitIsRefusedInThePageWithoutBeingSent() throws Exception {
        Path large = dir.resolve("large.wav");
        Files.write(large, new byte[(int) LIMIT + 1]);
        browser.get(stack.baseUrl() + "/");
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.findElement(By.id("size-limit")).isDisplayed());
        browser.findElement(By.id("files")).sendKeys(large.toAbsolutePath().toString());
        browser.findElement(By.cssSelector("#upload button[type=submit]")).click();

        WebElement card = await().atMost(Duration.ofSeconds(10)).until(
                () -> browser.findElements(By.cssSelector("#jobs .job")), cards -> !cards.isEmpty()).get(0);
        assertThat(card.findElement(By.className("status")).getText()).isEqualTo("Not uploaded: the file is too large");
        assertThat(card.findElement(By.className("error")).getText()).contains("195 KiB");
        assertThat(card.findElements(By.tagName("progress"))).isEmpty();
        assertThat(stack.database().count("select count(*) from transcription_job where filename = ?", "large.wav"))
                .isZero();
        chromium.screenshot("8-user-page-too-large");
    }
}
