package dev.querycache.spring.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import dev.querycache.QueryStatus;
import dev.querycache.spring.webapp.WebTestApplication.Upstream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.WebFilter;

/** preload.js in a real headless Chromium: hovering a link fetches the page's data before the click. */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "query-cache.web.enabled=true")
@Import(PreloadBrowserTest.PreloadCounter.class)
class PreloadBrowserTest {

    /** Counts POST /_query/preload requests, to see how often the script sends. */
    @TestConfiguration
    static class PreloadCounter {
        static final AtomicInteger POSTS = new AtomicInteger();
        static final java.util.concurrent.atomic.AtomicReference<String> CSRF = new java.util.concurrent.atomic.AtomicReference<>();

        @Bean
        WebFilter countPreloadPosts() {
            return (exchange, chain) -> {
                if (exchange.getRequest().getMethod() == HttpMethod.POST
                        && exchange.getRequest().getPath().value().equals("/_query/preload")) {
                    POSTS.incrementAndGet();
                    CSRF.set(exchange.getRequest().getHeaders().getFirst("X-XSRF-CHECK"));
                }
                return chain.filter(exchange);
            };
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    QueryClient client;

    @Autowired
    Upstream upstream;

    ChromeDriver driver;

    @BeforeEach
    void start() throws Exception {
        client.resetApiState();
        upstream.reset();
        PreloadCounter.POSTS.set(0);
        driver = Browser.start();
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
    }

    private void waitFor(java.util.function.BooleanSupplier condition, String what) {
        new WebDriverWait(driver, Duration.ofSeconds(60)).withMessage(what).until(d -> condition.getAsBoolean());
    }

    /**
     * Records, in the page, every path preload.js sends, at the moment it calls {@code fetch} (before the request
     * leaves): a record in send order, so that a later send is a positive marker that every earlier one was made.
     */
    private void recordSends() {
        driver.executeScript("""
                window.preloadSends = [];
                const realFetch = window.fetch;
                window.fetch = function (url, init) {
                  if (String(url).endsWith('/_query/preload')) { window.preloadSends.push(JSON.parse(init.body).path); }
                  return realFetch.apply(this, arguments);
                };""");
    }

    @SuppressWarnings("unchecked")
    private java.util.List<String> sends() {
        return (java.util.List<String>) driver.executeScript("return window.preloadSends.slice()");
    }

    /** Hovers the marker link and waits until the script sent it: whatever it would have sent before is sent by then. */
    private void hoverMarkerAndWaitForItsSend() {
        new Actions(driver).moveToElement(driver.findElement(By.id("bulbasaur"))).perform();
        waitFor(() -> sends().contains("/pokemon/bulbasaur"), "the marker link was sent");
        waitFor(() -> upstream.calls("pokemon:bulbasaur") == 1, "the server fetched the marker");
    }

    @Test
    void hoveringALinkFetchesItsDataSoTheNavigationDoesNotWaitOnTheUpstream() throws Exception {
        driver.get("http://localhost:" + port + "/");
        recordSends();
        assertThat(upstream.calls("pokemon:pikachu")).isZero();

        new Actions(driver).moveToElement(driver.findElement(By.id("pikachu"))).perform();
        waitFor(() -> upstream.calls("pokemon:pikachu") == 1, "the hover made the server fetch pikachu");
        waitFor(() -> client.endpoint("pokemon").state("pikachu").status() == QueryStatus.SUCCESS, "pikachu is cached");

        // moving off and back within a few seconds sends nothing more
        new Actions(driver).moveToElement(driver.findElement(By.tagName("h1"))).perform();
        new Actions(driver).moveToElement(driver.findElement(By.id("pikachu"))).perform();
        hoverMarkerAndWaitForItsSend();
        assertThat(sends()).as("one POST per path per few seconds").containsExactly("/pokemon/pikachu", "/pokemon/bulbasaur");
        waitFor(() -> PreloadCounter.POSTS.get() == 2, "the server received both POSTs");
        assertThat(upstream.calls("pokemon:pikachu")).isEqualTo(1);
        Browser.screenshot(driver, "preload-hover.png");

        long hitsBefore = client.inspector().stats("pokemon").hitCount();
        driver.findElement(By.id("pikachu")).click();
        waitFor(() -> driver.findElements(By.id("name")).size() == 1, "the detail page rendered");
        assertThat(driver.findElement(By.id("name")).getText()).isEqualTo("pikachu");
        assertThat(upstream.calls("pokemon:pikachu")).as("the navigation did not wait on the upstream").isEqualTo(1);
        assertThat(client.inspector().stats("pokemon").hitCount()).as("the page was served from the cache").isGreaterThan(hitsBefore);
        assertThat(driver.findElement(By.id("query-cache-state")).getAttribute("textContent")).contains("\"pikachu\"");
        Browser.screenshot(driver, "preload-detail.png");
    }

    @Test
    void linksMarkedDataPreloadFalseAndOtherOriginsAreSkipped() throws Exception {
        driver.get("http://localhost:" + port + "/");
        recordSends();
        new Actions(driver).moveToElement(driver.findElement(By.id("eevee"))).perform();
        new Actions(driver).moveToElement(driver.findElement(By.id("away"))).perform();
        hoverMarkerAndWaitForItsSend();
        assertThat(sends()).as("only the marker was sent").containsExactly("/pokemon/bulbasaur");
        assertThat(PreloadCounter.POSTS).hasValue(1);
        assertThat(upstream.calls("pokemon:eevee")).isZero();
    }

    @Test
    void preloadJsSendsTheCsrfTokenThePageCarries() {
        driver.get("http://localhost:" + port + "/with-csrf");
        new Actions(driver).moveToElement(driver.findElement(By.id("pikachu"))).perform();
        waitFor(() -> upstream.calls("pokemon:pikachu") == 1, "the hover made the server fetch pikachu");
        assertThat(PreloadCounter.CSRF).hasValue("token-123");
    }

    @Test
    void aPageOfAnotherOriginCannotDriveTheCache() {
        // 127.0.0.1 and localhost are different origins (and sites) to the browser
        driver.get("http://127.0.0.1:" + port + "/attacker?target=http://localhost:" + port);
        waitFor(() -> Boolean.TRUE.equals(driver.executeScript("return window.done")), "the attacker's request was sent");
        assertThat(PreloadCounter.POSTS).as("the browser did send it").hasValue(1);
        assertThat(upstream.calls("pokemon:mew")).as("but the server refused it").isZero();
        assertThat(client.entries()).isEmpty();
    }

    @Test
    void keyboardFocusIsIntentToo() {
        driver.get("http://localhost:" + port + "/");
        recordSends();
        // a real key press, as a keyboard user makes: Tab moves the focus from the page to its first link
        new Actions(driver).sendKeys(Keys.TAB).perform();
        waitFor(() -> "pikachu".equals(driver.executeScript("return document.activeElement && document.activeElement.id")),
                "Tab focused the first link");
        waitFor(() -> upstream.calls("pokemon:pikachu") == 1, "focusing the link with the keyboard made the server fetch pikachu");
        assertThat(sends()).as("the mouse never moved: the focus alone sent it").containsExactly("/pokemon/pikachu");
    }
}
