package dev.querycache.spring.streamapp;

import dev.querycache.QueryClient;
import dev.querycache.spring.js.BrowserLibrariesHydrationTest;
import dev.querycache.spring.webapp.Browser;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.PageLoadStrategy;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What the streamed-page browser tests share: the browser libraries from npm, a fresh cache and upstream per
 * test, a Chromium that does not wait for a page's load (a streamed page is looked at while it loads), and a
 * wait that says what the page loaded and which errors it raised when it times out.
 */
abstract class StreamedPageBrowserSupport {

    @LocalServerPort
    int port;

    @Autowired
    StreamTestApplication.Gates gates;

    @Autowired
    QueryClient client;

    ChromeDriver driver;

    @BeforeAll
    static void libraries() throws Exception {
        BrowserLibrariesHydrationTest.install();
    }

    @BeforeEach
    void start() throws Exception {
        client.resetApiState();
        gates.reset();
        driver = Browser.start(PageLoadStrategy.NONE);
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
    }

    /** Opens {@code path}; returns at once (PageLoadStrategy.NONE): the page is still streaming. */
    void open(String path) {
        driver.get("http://localhost:" + port + path);
    }

    Object js(String script) {
        return driver.executeScript(script);
    }

    void waitFor(String script, String what) {
        new WebDriverWait(driver, Duration.ofSeconds(60)).withMessage(() -> what + "; the page: " + driver.executeScript(
                        "return location.href + ' ' + document.readyState + ' errors: ' + JSON.stringify(window.pageErrors || [])"
                        + " + ' resources: ' + JSON.stringify(performance.getEntriesByType('resource')"
                        + ".map(e => e.name + ' ' + e.responseStatus))"))
                .until(d -> Boolean.TRUE.equals(((ChromeDriver) d).executeScript("return !!(" + script + ")")));
    }
}
