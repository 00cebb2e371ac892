package dev.querycache.spring.streamapp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A streamed page in headless Chromium with the real RTK Query (from npm), the page state in RTK Query's
 * format: {@code rtk.js} upserts each entry the stream carries into the api slice, which then holds it as
 * {@code fulfilled} without calling its own query function.
 */
@SpringBootTest(classes = StreamTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"query-cache.web.enabled=true", "query-cache.web.state-format=rtk-query",
                "query-cache.endpoints.pokemon.retries=0"})
class StreamedPageRtkBrowserTest extends StreamedPageBrowserSupport {

    @Test
    void eachStreamedEntryIsUpsertedIntoTheApiSlice() {
        open("/rtk/rx");
        waitFor("window.islandReady", "the RTK island ran while the page streamed");
        assertThat(driver.findElement(By.cssSelector("#a .loading")).getText()).isEqualTo("Loading a…");
        gates.release("rx-a", "first");
        gates.release("rx-b", "second");
        waitFor("document.readyState === 'complete'", "the response ended");
        waitFor("window.rtkEntry('rx-b').status === 'fulfilled'", "b is fulfilled in the api slice");
        assertThat(js("return window.rtkEntry('rx-a').status")).isEqualTo("fulfilled");
        assertThat(js("return window.rtkEntry('rx-a').data.note")).isEqualTo("first");
        assertThat(js("return window.rtkEntry('rx-b').data.note")).isEqualTo("second");
        assertThat(js("return window.rtkFetches")).as("RTK's own query function never ran").isEqualTo(0L);
        assertThat(driver.findElement(By.cssSelector("#b .value")).getText()).isEqualTo("second");
    }
}
