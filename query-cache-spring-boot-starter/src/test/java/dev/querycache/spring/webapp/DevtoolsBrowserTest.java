package dev.querycache.spring.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import dev.querycache.QueryStatus;
import dev.querycache.spring.webapp.WebTestApplication.Upstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The devtools page in headless Chromium: live entries over SSE, refetch, remove, invalidate a tag. */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"query-cache.web.enabled=true", "query-cache.devtools.enabled=true"})
class DevtoolsBrowserTest {

    @LocalServerPort
    int port;

    @Autowired
    org.springframework.context.ApplicationContext ctx;

    @Autowired
    QueryClient client;

    @Autowired
    Upstream upstream;

    ChromeDriver driver;

    @BeforeEach
    void start() throws Exception {
        client.resetApiState();
        upstream.reset();
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

    // The table is rebuilt on every server-sent event, so rows are read and clicked inside one script
    // call: an element handle kept across calls could go stale.
    private static final String FIND_ROW = "for (const tr of document.querySelectorAll('#entries tr')) {"
            + " if (tr.dataset.endpoint === arguments[0] && tr.textContent.includes(arguments[1])) {";

    /** The row's cells' text, or null when there is no such row. */
    @SuppressWarnings("unchecked")
    private java.util.List<String> row(String endpoint, String argText) {
        return (java.util.List<String>) driver.executeScript(FIND_ROW
                + " return Array.from(tr.cells).map(c => c.textContent); } } return null;", endpoint, argText);
    }

    private void click(String endpoint, String argText, String button) {
        Object clicked = driver.executeScript(FIND_ROW + " tr.querySelector('button.' + arguments[2]).click(); return true; } }"
                + " return false;", endpoint, argText, button);
        assertThat(clicked).as("clicked %s on %s(%s)", button, endpoint, argText).isEqualTo(true);
    }

    private long rowCount() {
        return (Long) driver.executeScript("return document.querySelectorAll('#entries tr').length;");
    }

    @Test
    void showsTheLiveCacheAndActsOnIt() throws Exception {
        client.endpoint("pokemon").query("pikachu").block();
        client.endpoint("pokemon").query("eevee").block();
        var watched = client.endpoint("species").subscribe("mew");
        driver.get("http://localhost:" + port + "/_query/devtools");
        waitFor(() -> rowCount() == 3, "three entries are listed");
        assertThat(row("pokemon", "\"pikachu\"")).contains("SUCCESS", "Pokemon, Pokemon:pikachu");
        waitFor(() -> row("species", "\"mew\"") != null && row("species", "\"mew\"").get(2).startsWith("SUCCESS"),
                "the subscribed entry's fetch settled, pushed live");
        assertThat(row("species", "\"mew\"").get(4)).as("subscribers").isEqualTo("1");

        // a change made elsewhere shows up without reloading
        client.endpoint("pokemon").query("ditto").block();
        waitFor(() -> row("pokemon", "\"ditto\"") != null, "a new entry appears live");

        click("pokemon", "\"pikachu\"", "refetch");
        waitFor(() -> upstream.calls("pokemon:pikachu") == 2, "Refetch fetched pikachu again");

        click("pokemon", "\"ditto\"", "remove");
        waitFor(() -> client.endpoint("pokemon").state("ditto").status() == QueryStatus.UNINITIALIZED, "Remove removed ditto");
        waitFor(() -> row("pokemon", "\"ditto\"") == null, "ditto disappears from the page");

        driver.findElement(By.id("tagType")).sendKeys("Pokemon");
        driver.findElement(By.id("tagId")).sendKeys("eevee");
        driver.findElement(By.cssSelector("#invalidate button")).click();
        waitFor(() -> client.endpoint("pokemon").state("eevee").status() == QueryStatus.UNINITIALIZED,
                "invalidating Pokemon:eevee removed the unused entry");

        waitFor(() -> rowCount() == 2, "two entries remain on the page");
        Path shot = Browser.screenshot(driver, "devtools.png");
        assertThat(Files.size(shot)).isGreaterThan(1000);
        watched.close();
    }

    @Test
    void actsOnPrincipalRowsAsTheRowsCaller() {
        var notes = client.endpoint("notes");
        for (String user : new String[] {"ash", "misty"}) {
            notes.query("x").contextWrite(dev.querycache.QueryScopes.withPrincipal(user)).block(Duration.ofSeconds(30));
        }
        WebTestApplication.Notes fetcher = ctx.getBean(WebTestApplication.Notes.class);
        driver.get("http://localhost:" + port + "/_query/devtools");
        waitFor(() -> row("notes", "\"x\" · ash") != null && row("notes", "\"x\" · misty") != null,
                "both callers' rows are listed");
        assertThat(String.join(" ", row("notes", "\"x\" · ash"))).as("no data is shown").doesNotContain("note x");

        click("notes", "\"x\" · misty", "refetch");
        waitFor(() -> fetcher.calls.get("misty:x").get() == 2, "Refetch fetched misty's entry again");
        assertThat(fetcher.calls.get("ash:x").get()).isEqualTo(1);

        click("notes", "\"x\" · ash", "remove");
        waitFor(() -> dev.querycache.QueryScopes.callAs("ash", null, () -> notes.state("x").data()) == null,
                "Remove removed ash's entry");
        assertThat(dev.querycache.QueryScopes.callAs("misty", null, () -> notes.state("x").data())).isNotNull();
        waitFor(() -> row("notes", "\"x\" · ash") == null, "ash's row disappears");
    }
}
