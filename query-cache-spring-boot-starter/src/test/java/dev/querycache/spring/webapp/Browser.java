package dev.querycache.spring.webapp;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian Chromium driven by Selenium through Debian's chromedriver. Without Chromium the
 * browser tests skip with a clear message, except under {@code CI=true}, where they fail.
 */
public final class Browser {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private Browser() {
    }

    public static ChromeDriver start() throws Exception {
        return start(org.openqa.selenium.PageLoadStrategy.NORMAL);
    }

    /** With {@code PageLoadStrategy.NONE} a navigation returns at once: a streamed page can be looked at while it loads. */
    public static ChromeDriver start(org.openqa.selenium.PageLoadStrategy strategy) throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && !"true".equals(System.getenv("CI"))) {
            Assumptions.abort("browser test skipped: install Debian's chromium and chromium-driver "
                    + "(apt-get install -y chromium chromium-driver); under CI=true this test fails instead");
        }
        if (!installed) {
            throw new IllegalStateException("CI=true but /usr/bin/chromium or /usr/bin/chromedriver is missing: .ci/run must install them");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.setPageLoadStrategy(strategy);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1200,900",
                "--user-data-dir=" + Files.createTempDirectory("query-cache-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        // A user's browser window has the focus while they type in it; a headless window may not (seen with
        // Debian's Chromium 150: a focused element then fires no focus/focusin). Emulating the focused window
        // makes key presses behave as they do for a person, whatever the Chromium build.
        driver.executeCdpCommand("Emulation.setFocusEmulationEnabled", java.util.Map.of("enabled", true));
        return driver;
    }

    static Path screenshot(ChromeDriver driver, String name) throws Exception {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "screenshots", name);
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return target;
    }
}
