package dev.querycache.spring.streamapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import dev.querycache.spring.js.BrowserLibrariesHydrationTest;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A streamed page in headless Chromium with the real RTK Query (from npm), the page state in RTK Query's
 * format: {@code rtk.js} upserts each entry the stream carries into the api slice, which then holds it as
 * {@code fulfilled} without calling its own query function.
 */
@SpringBootTest(classes = StreamTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"query-cache.web.enabled=true", "query-cache.web.state-format=rtk-query",
                "query-cache.endpoints.pokemon.retries=0"})
class StreamedPageRtkBrowserTest {

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
        driver = dev.querycache.spring.webapp.Browser.start(org.openqa.selenium.PageLoadStrategy.NONE);
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
    }

    private void waitFor(String script, String what) {
        new WebDriverWait(driver, Duration.ofSeconds(60)).withMessage(() -> what + "; the page: " + driver.executeScript(
                        "return location.href + ' ' + document.readyState + ' errors: ' + JSON.stringify(window.pageErrors || [])"
                        + " + ' resources: ' + JSON.stringify(performance.getEntriesByType('resource')"
                        + ".map(e => e.name + ' ' + e.responseStatus))"))
                .until(d -> Boolean.TRUE.equals(((ChromeDriver) d).executeScript("return !!(" + script + ")")));
    }

    @Test
    void eachStreamedEntryIsUpsertedIntoTheApiSlice() {
        driver.get("http://localhost:" + port + "/rtk/rx");   // returns at once (PageLoadStrategy.NONE): the page is still streaming
        waitFor("window.islandReady", "the RTK island ran while the page streamed");
        assertThat(driver.findElement(By.cssSelector("#a .loading")).getText()).isEqualTo("Loading a…");
        gates.release("rx-a", "first");
        gates.release("rx-b", "second");
        waitFor("document.readyState === 'complete'", "the response ended");
        waitFor("window.rtkEntry('rx-b').status === 'fulfilled'", "b is fulfilled in the api slice");
        assertThat(driver.executeScript("return window.rtkEntry('rx-a').status")).isEqualTo("fulfilled");
        assertThat(driver.executeScript("return window.rtkEntry('rx-a').data.note")).isEqualTo("first");
        assertThat(driver.executeScript("return window.rtkEntry('rx-b').data.note")).isEqualTo("second");
        assertThat(driver.executeScript("return window.rtkFetches")).as("RTK's own query function never ran").isEqualTo(0L);
        assertThat(driver.findElement(By.cssSelector("#b .value")).getText()).isEqualTo("second");
    }
}
