package dev.querycache.spring.streamapp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A streamed page in headless Chromium with the real TanStack Query (from npm): the page paints while its
 * upstreams have not answered, each element is swapped in as its query settles, and the page's
 * {@code QueryClient} holds each entry as {@code success} with no request of its own; a query observer that
 * subscribed while the key was coming waited for the stream.
 */
@SpringBootTest(classes = StreamTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"query-cache.web.enabled=true", "query-cache.web.state-format=tanstack",
                "query-cache.web.prefetchable=pokemon", "query-cache.endpoints.pokemon.retries=0"})
class StreamedPageBrowserTest extends StreamedPageBrowserSupport {

    @Test
    void thePagePaintsAtOnceAndTheTanStackCacheWaitsForTheStreamNotTheNetwork() throws Exception {
        // navigate without waiting for the load event: the document is still streaming
        open("/browser/bx");
        waitFor("document.getElementById('title') && window.islandReady", "the shell and the island ran while streaming");
        assertThat(driver.findElement(By.id("title")).getText()).isEqualTo("Browser bx");
        assertThat(driver.findElement(By.cssSelector("#a .loading")).getText()).isEqualTo("Loading a…");
        waitFor("performance.getEntriesByName('first-contentful-paint').length > 0", "a contentful paint before any upstream answered");
        assertThat(gates.fetches("bx-a")).isEqualTo(1);
        assertThat(js("return document.readyState")).as("the response has not ended").isEqualTo("loading");
        waitFor("window.observedB && window.observedB.status === 'pending'", "the observer of b waits");
        assertThat(js("return window.queryClient.getQueryState(['pokemon', 'bx-b']).fetchStatus")).isEqualTo("fetching");

        gates.release("bx-a", "from the stream");
        waitFor("document.querySelector('#a .value')", "a was swapped in");
        assertThat(driver.findElement(By.cssSelector("#a .value")).getText()).isEqualTo("from the stream");
        assertThat(driver.findElements(By.cssSelector("#b .loading"))).hasSize(1);

        gates.release("bx-b", "b too");
        waitFor("window.observedB && window.observedB.status === 'success'", "b settled in the page's QueryClient");
        assertThat(js("return window.observedB.data.note")).isEqualTo("b too");
        assertThat(driver.findElement(By.cssSelector("#b .value")).getText()).isEqualTo("b too");
        assertThat(js("return window.queryClient.getQueryState(['pokemon', 'bx-a']).status")).isEqualTo("success");
        assertThat(js("return window.queryClient.getQueryData(['pokemon', 'bx-a']).note")).isEqualTo("from the stream");
        waitFor("document.readyState === 'complete'", "the response ended");
        assertThat(driver.findElements(By.cssSelector("[data-qc-slot], template"))).as("every fallback replaced").isEmpty();
        assertThat(js("return performance.getEntriesByType('resource').filter(e => e.name.includes('/_query/q/')).length"))
                .as("the browser made no data request").isEqualTo(0L);
        assertThat(js("return JSON.parse(document.getElementById('query-cache-state').textContent).queries.length"))
                .as("the page state grew with the stream").isEqualTo(2L);
        assertThat(gates.fetches("bx-a") + gates.fetches("bx-b")).isEqualTo(2);
    }

    @Test
    void aKeyThatFailsGivesTheTanStackQueryAnErrorAndTheErrorForm() throws Exception {
        open("/browser/fx");
        waitFor("window.islandReady", "the island ran");
        gates.release("fx-a", "ok");
        gates.fail("fx-b");
        waitFor("document.readyState === 'complete'", "the response ended");
        assertThat(driver.findElement(By.cssSelector("#b .failed")).getText()).isEqualTo("b is not available.");
        waitFor("window.observedB && window.observedB.status === 'error'", "b's query is in error");
        assertThat(driver.getPageSource()).doesNotContain("hunter2");
    }
}
