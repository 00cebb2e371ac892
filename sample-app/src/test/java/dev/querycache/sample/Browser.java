package dev.querycache.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Headless Debian Chromium through Debian's chromedriver; skips without it unless {@code CI=true}. */
final class Browser {

    private Browser() {
    }

    static ChromeDriver start() throws Exception {
        return start(org.openqa.selenium.PageLoadStrategy.NORMAL);
    }

    /** With {@code PageLoadStrategy.NONE} a navigation returns at once: a streamed page can be looked at while it loads. */
    static ChromeDriver start(org.openqa.selenium.PageLoadStrategy strategy) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Path driver = Path.of("/usr/bin/chromedriver");
        boolean installed = Files.isExecutable(chromium) && Files.isExecutable(driver);
        if (!installed && !"true".equals(System.getenv("CI"))) {
            Assumptions.abort("browser test skipped: apt-get install -y chromium chromium-driver (under CI=true it fails)");
        }
        if (!installed) {
            throw new IllegalStateException("CI=true but chromium/chromedriver are missing: .ci/run must install them");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.setPageLoadStrategy(strategy);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1200,900", "--user-data-dir=" + Files.createTempDirectory("pokedex-chromium"));
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
                .usingAnyFreePort().build(), options);
    }

    static void screenshot(ChromeDriver driver, String name) throws Exception {
        Path target = Path.of("target", "screenshots", name);
        Files.createDirectories(target.getParent());
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
