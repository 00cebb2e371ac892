package dev.querycache.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import dev.querycache.QueryStatus;
import dev.querycache.sample.pokedex.PokemonNames;
import dev.querycache.sample.upstream.UpstreamController;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.PageLoadStrategy;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.netty.http.client.HttpClient;

/**
 * The sample's streamed pages (issue #36) with a slow upstream (8 s, so that "before the upstream answered"
 * holds with room on a busy machine): a cold Pokémon page paints its shell with the name while the upstream
 * has not answered, then shows the details from the same response with no request of its own, and the
 * page's TanStack {@code QueryClient} holds the entry as {@code success}; a cached one renders whole; a type
 * page sends its heading before its table.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "sample.upstream.latency=8s")
class StreamedPagesTest {

    @LocalServerPort
    int port;

    @Autowired
    QueryClient client;

    @Autowired
    UpstreamController upstream;

    ChromeDriver driver;

    @BeforeEach
    void warmTheNames() {
        client.resetApiState();
        client.endpoint(PokemonNames.class).query(null).block(Duration.ofSeconds(60));   // what the 404 check reads
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
    }

    private void waitFor(String script, String what) {
        new WebDriverWait(driver, Duration.ofSeconds(60)).withMessage(what)
                .until(d -> Boolean.TRUE.equals(((ChromeDriver) d).executeScript("return !!(" + script + ")")));
    }

    @Test
    void aColdPokemonPagePaintsBeforeItsUpstreamAnswersThenShowsTheDetailsWithNoRequest() throws Exception {
        driver = Browser.start(PageLoadStrategy.NONE);
        long before = upstream.requestCount("pokemon/charmander");
        driver.get("http://localhost:" + port + "/pokemon/charmander");
        waitFor("document.getElementById('details-loading') && performance.getEntriesByName('first-contentful-paint').length > 0",
                "the shell painted");
        assertThat(client.endpoint("pokemonByName").state("charmander").status())
                .as("painted before the upstream answered").isEqualTo(QueryStatus.PENDING);
        assertThat(client.endpoint("pokemonByName").state("charmander").data()).isNull();
        assertThat(client.endpoint("pokemonByName").state("charmander").isFetching()).isTrue();
        assertThat(driver.findElement(By.id("name")).getText()).isEqualTo("Charmander");
        Browser.screenshot(driver, "streamed-shell.png");
        System.out.println("streamed page: first contentful paint " + driver.executeScript(
                "return Math.round(performance.getEntriesByName('first-contentful-paint')[0].startTime)")
                + " ms after navigation; the upstream takes 8000 ms");

        waitFor("document.getElementById('number')", "the details streamed in");
        assertThat(driver.findElement(By.id("number")).getText()).isEqualTo("#4");
        assertThat(driver.findElement(By.cssSelector("#details .type")).getText()).isEqualTo("fire");
        waitFor("document.getElementById('live').textContent === 'not a favourite'", "the live view shows the favourite");
        waitFor("window.pokedexQueryClient && window.pokedexQueryClient.getQueryState(['pokemonByName', 'charmander'])"
                + " && window.pokedexQueryClient.getQueryState(['pokemonByName', 'charmander']).status === 'success'",
                "the page's TanStack QueryClient holds the entry");
        assertThat(driver.executeScript("return window.pokedexQueryClient.getQueryData(['pokemonByName', 'charmander']).displayName"))
                .isEqualTo("Charmander");
        waitFor("document.readyState === 'complete'", "the response ended");
        assertThat(driver.findElements(By.id("details-loading"))).isEmpty();
        assertThat(driver.executeScript("return performance.getEntriesByType('resource')"
                + ".filter(e => e.name.includes('/_query/q/') || e.name.includes('/api/')).length"))
                .as("the browser made no data request").isEqualTo(0L);
        assertThat(upstream.requestCount("pokemon/charmander")).isEqualTo(before + 1);
        Browser.screenshot(driver, "streamed-details.png");
    }

    @Test
    void aCachedPokemonRendersWholeAndATypePageSendsItsHeadingFirst() throws Exception {
        client.endpoint("pokemonByName").query("pikachu").block(Duration.ofSeconds(60));
        String cached = body("/pokemon/pikachu", null);
        assertThat(cached).contains("id=\"number\">#25<", "electric").doesNotContain("data-qc-slot", "<template", "__qcPush");

        List<String> chunks = new CopyOnWriteArrayList<>();
        String type = body("/type/grass", chunks);
        assertThat(chunks.get(0)).as("the first chunk, sent before the upstream answered")
                .contains("grass</span> Pokémon", "members-loading").doesNotContain("Bulbasaur");
        assertThat(type).contains("Bulbasaur", "\"queryKey\":[\"pokemonByType\",\"grass\"]").endsWith("</html>\n");
    }

    private String body(String path, List<String> chunks) {
        return HttpClient.create().get().uri("http://localhost:" + port + path)
                .responseContent().asString(StandardCharsets.UTF_8)
                .doOnNext(s -> {
                    if (chunks != null) {
                        chunks.add(s);
                    }
                })
                .collectList().map(l -> String.join("", l)).block(Duration.ofSeconds(60));
    }
}
