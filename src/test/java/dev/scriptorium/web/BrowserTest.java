package dev.scriptorium.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scriptorium.testing.ApiClient;
import dev.scriptorium.testing.TestMedia;
import dev.scriptorium.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The user's page and the admin dashboard in real headless Chromium (the Debian chromium and chromium-driver
 * packages, which .ci/run installs). Screenshots go to target/browser-screenshots/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserTest {
    private static final String ADMIN_TOKEN = "browser-test-admin-token-42";
    private static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");
    private static final String HOSTILE_NAME = "<img src=x onerror=alert(1)>.mp4";
    @TempDir
    static Path dir;
    private TestStack stack;
    private TestMedia media;
    private WebDriver browser;

    @BeforeAll
    void start() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Path driver = Path.of("/usr/bin/chromedriver");
        assertThat(chromium).as("the chromium package (apt-get install chromium chromium-driver)").exists();
        assertThat(driver).as("the chromium-driver package").exists();
        stack = TestStack.start(Map.of("ADMIN_TOKEN", ADMIN_TOKEN, "WORKER_SLOTS", "1"));
        media = new TestMedia(dir.resolve("media"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--window-size=1280,1400");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).build(),
                options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private void screenshot(String name) throws Exception {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    @Order(1)
    void theFormUploadsShowsRealProgressAndThenTheTranscript() throws Exception {
        browser.get(stack.baseUrl() + "/");
        Path video = media.longVideo(120);
        browser.findElement(By.id("files")).sendKeys(video.toAbsolutePath().toString());
        browser.findElement(By.cssSelector("#upload button[type=submit]")).click();

        WebElement card = await().atMost(Duration.ofSeconds(30)).until(
                () -> browser.findElements(By.cssSelector("#jobs .job")), cards -> !cards.isEmpty()).get(0);
        List<String> statuses = new ArrayList<>();
        List<Integer> progress = new ArrayList<>();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
            statuses.add(card.findElement(By.className("status")).getText());
            progress.add((int) Double.parseDouble(card.findElement(By.tagName("progress")).getDomProperty("value")));
            if (statuses.size() == 20) {
                screenshot("1-user-page-in-progress");
            }
            return statuses.get(statuses.size() - 1).equals("completed");
        });
        screenshot("2-user-page-completed");

        assertThat(statuses).anyMatch(status -> status.startsWith("processing"));
        assertThat(progress).contains(100);
        String transcript = card.findElement(By.className("transcript")).getText();
        assertThat(transcript).isNotBlank();
        assertThat(card.findElements(By.cssSelector(".links a"))).extracting(WebElement::getText)
                .containsExactly("TXT", "SRT", "VTT", "JSON");

        // The transcript plays along with the uploaded file: a click on a segment seeks there and marks it.
        List<WebElement> segments = card.findElements(By.cssSelector(".transcript .segment"));
        assertThat(segments).hasSizeGreaterThan(2);
        WebElement third = segments.get(2);
        double start = Double.parseDouble(third.getDomAttribute("data-start"));
        third.click();
        Object position = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "return arguments[0].querySelector('.player').currentTime;", card);
        assertThat(((Number) position).doubleValue()).isCloseTo(start, org.assertj.core.api.Assertions.within(0.5));
        String times = segments.stream().map(segment -> segment.getDomAttribute("data-start") + "-"
                + segment.getDomAttribute("data-end")).toList().toString();
        assertThat(third.getDomAttribute("class")).as(times).contains("playing");
        assertThat(segments.get(0).getDomAttribute("class")).doesNotContain("playing");
        screenshot("2b-user-page-segment-playing");
    }

    @Test
    @Order(2)
    void aHostileFileNameIsShownAsTextOnTheUserPageAndInTheAdminDashboard() throws Exception {
        Path hostile = dir.resolve(HOSTILE_NAME);
        Files.copy(media.wav(), hostile, StandardCopyOption.REPLACE_EXISTING);
        browser.get(stack.baseUrl() + "/");
        browser.findElement(By.id("files")).sendKeys(hostile.toAbsolutePath().toString());
        browser.findElement(By.cssSelector("#upload button[type=submit]")).click();

        WebElement title = await().atMost(Duration.ofSeconds(30)).until(
                () -> browser.findElements(By.cssSelector("#jobs .job h3")), titles -> !titles.isEmpty()).get(0);
        assertThat(title.getText()).isEqualTo(HOSTILE_NAME);
        assertThat(browser.findElements(By.tagName("img"))).isEmpty();

        openAdmin();
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElement(By.cssSelector("#jobs tbody"))
                .getText().contains(HOSTILE_NAME));
        assertThat(browser.findElements(By.tagName("img"))).isEmpty();
        screenshot("3-admin-hostile-name-as-text");
    }

    @Test
    @Order(3)
    void theAdminDashboardShowsQueuesAndWorkersAndCancelsAndRetriesAJob() throws Exception {
        ApiClient api = stack.api();
        String id = api.upload(media.longVideo(240), Map.of()).json().get("id").asText();
        openAdmin();
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElement(By.cssSelector("#queues tbody"))
                .getText().contains("transcribe"));
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElement(By.cssSelector("#workers tbody"))
                .getText().contains("cpu"));
        WebElement row = await().atMost(Duration.ofSeconds(20)).until(
                () -> browser.findElements(By.cssSelector("#jobs tr.job[data-id='" + id + "']")),
                rows -> !rows.isEmpty()).get(0);
        row.click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("detail")).isDisplayed());
        screenshot("4-admin-job-detail");

        browser.findElement(By.id("cancel")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> api.job(id).get("status").asText().equals("canceled"));
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("detail-status")).getText()
                .startsWith("canceled"));
        screenshot("5-admin-canceled");
        // The worker lets go of the job once its child is stopped; the overview shows the slot free again.
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.findElement(By.cssSelector("#workers tbody"))
                .getText().contains("0 busy of 1"));

        browser.findElement(By.id("retry")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> !api.job(id).get("status").asText().equals("canceled"));
        assertThat(api.awaitFinished(id, Duration.ofMinutes(3)).get("status").asText()).isEqualTo("completed");
        browser.findElement(By.cssSelector("#jobs tr.job[data-id='" + id + "']")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("detail-status")).getText()
                .startsWith("completed"));
        assertThat(browser.findElement(By.cssSelector("#timeline tbody")).getText()).contains("canceled")
                .contains("transcribing");
        screenshot("6-admin-retried-and-completed");
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
