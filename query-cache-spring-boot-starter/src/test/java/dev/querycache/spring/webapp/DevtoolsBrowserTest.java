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
import org.openqa.selenium.WebElement;
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
        new WebDriverWait(driver, Duration.ofSeconds(15)).withMessage(what).until(d -> condition.getAsBoolean());
    }

    private WebElement row(String endpoint, String argText) {
        for (WebElement tr : driver.findElements(By.cssSelector("#entries tr"))) {
            if (tr.getAttribute("data-endpoint").equals(endpoint) && tr.getText().contains(argText)) {
                return tr;
            }
        }
        return null;
    }

    @Test
    void showsTheLiveCacheAndActsOnIt() throws Exception {
        client.endpoint("pokemon").query("pikachu").block();
        client.endpoint("pokemon").query("eevee").block();
        var watched = client.endpoint("species").subscribe("mew");
        driver.get("http://localhost:" + port + "/_query/devtools");
        waitFor(() -> driver.findElements(By.cssSelector("#entries tr")).size() == 3, "three entries are listed");
        WebElement pikachu = row("pokemon", "\"pikachu\"");
        assertThat(pikachu.getText()).contains("SUCCESS", "Pokemon:pikachu");
        waitFor(() -> row("species", "\"mew\"") != null && row("species", "\"mew\"").getText().contains("SUCCESS"),
                "the subscribed entry's fetch settled, pushed live");
        assertThat(row("species", "\"mew\"").findElements(By.tagName("td")).get(4).getText()).isEqualTo("1");

        // a change made elsewhere shows up without reloading
        client.endpoint("pokemon").query("ditto").block();
        waitFor(() -> row("pokemon", "\"ditto\"") != null, "a new entry appears live");

        row("pokemon", "\"pikachu\"").findElement(By.cssSelector("button.refetch")).click();
        waitFor(() -> upstream.calls("pokemon:pikachu") == 2, "Refetch fetched pikachu again");

        row("pokemon", "\"ditto\"").findElement(By.cssSelector("button.remove")).click();
        waitFor(() -> client.endpoint("pokemon").state("ditto").status() == QueryStatus.UNINITIALIZED, "Remove removed ditto");
        waitFor(() -> row("pokemon", "\"ditto\"") == null, "ditto disappears from the page");

        driver.findElement(By.id("tagType")).sendKeys("Pokemon");
        driver.findElement(By.id("tagId")).sendKeys("eevee");
        driver.findElement(By.cssSelector("#invalidate button")).click();
        waitFor(() -> client.endpoint("pokemon").state("eevee").status() == QueryStatus.UNINITIALIZED,
                "invalidating Pokemon:eevee removed the unused entry");

        waitFor(() -> driver.findElements(By.cssSelector("#entries tr")).size() == 2, "two entries remain on the page");
        Path shot = Browser.screenshot(driver, "devtools.png");
        assertThat(Files.size(shot)).isGreaterThan(1000);
        watched.close();
    }
}
