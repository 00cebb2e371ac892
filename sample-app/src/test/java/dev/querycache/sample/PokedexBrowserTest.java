package dev.querycache.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import dev.querycache.QueryStatus;
import dev.querycache.sample.pokedex.PokemonCatalogue;
import dev.querycache.sample.upstream.UpstreamController;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The Pokédex in headless Chromium: what a newcomer sees, checked against the upstream request counter. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PokedexBrowserTest {

    @LocalServerPort
    int port;

    @Autowired
    QueryClient client;

    @Autowired
    UpstreamController upstream;

    ChromeDriver driver;

    @BeforeEach
    void start() throws Exception {
        client.resetApiState();
        driver = Browser.start();
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private void waitFor(java.util.function.BooleanSupplier c, String what) {
        new WebDriverWait(driver, Duration.ofSeconds(60)).withMessage(what).until(d -> c.getAsBoolean());
    }

    private void settle() {
        client.awaitRunningQueries().block(Duration.ofSeconds(30));
    }

    @Test
    void hoverThenNavigateMakesNoUpstreamRequest() throws Exception {
        driver.get(url("/"));
        settle();
        Browser.screenshot(driver, "list.png");
        long charmanderBefore = upstream.requestCount("pokemon/charmander");
        new Actions(driver).moveToElement(driver.findElement(By.id("link-charmander"))).perform();
        waitFor(() -> client.endpoint("pokemonByName").state("charmander").status() == QueryStatus.SUCCESS,
                "hovering the link cached charmander");
        assertThat(upstream.requestCount("pokemon/charmander")).isEqualTo(charmanderBefore + 1);
        long before = upstream.requestCount();
        driver.findElement(By.id("link-charmander")).click();
        waitFor(() -> driver.getCurrentUrl().endsWith("/pokemon/charmander") && !driver.findElements(By.id("name")).isEmpty(),
                "the detail page opened");
        assertThat(driver.findElement(By.id("name")).getText()).isEqualTo("Charmander");
        assertThat(upstream.requestCount("pokemon/charmander")).isEqualTo(charmanderBefore + 1);
        assertThat(upstream.requestCount()).as("the navigation made no upstream request").isEqualTo(before);
        Browser.screenshot(driver, "detail.png");
    }

    @Test
    void loadMoreShowsTheNextPageAtOnceBecauseItWasPrefetched() throws Exception {
        long page2Before = upstream.requestCount("pokemon?page=2&size=20");
        long page3Before = upstream.requestCount("pokemon?page=3&size=20");
        driver.get(url("/"));
        waitFor(() -> client.infiniteEndpoint(PokemonCatalogue.class).state(20).data() != null
                && client.infiniteEndpoint(PokemonCatalogue.class).state(20).data().pageParams().contains(2),
                "page 2 was prefetched after page 1 was served");
        settle();
        assertThat(upstream.requestCount("pokemon?page=2&size=20")).isEqualTo(page2Before + 1);
        assertThat(driver.findElements(By.cssSelector("#rows tr"))).hasSize(20);
        driver.findElement(By.id("load-more")).click();
        waitFor(() -> driver.findElements(By.cssSelector("#rows tr")).size() == 40, "the second page is shown");
        assertThat(driver.findElement(By.id("link-spearow")).getText()).isEqualTo("Spearow");
        assertThat(upstream.requestCount("pokemon?page=2&size=20")).as("Load more made no upstream request for page 2")
                .isEqualTo(page2Before + 1);
        waitFor(() -> upstream.requestCount("pokemon?page=3&size=20") == page3Before + 1, "and page 3 is prefetched in turn");
        Browser.screenshot(driver, "load-more.png");
    }

    @Test
    void loadMoreShowsHostileNamesAsTextAndAttributeValuesNeverAsMarkup() {
        driver.get(url("/"));
        // the page's own script, fed a page whose names carry quotes and markup
        ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
                "window.fetch = function () { return Promise.resolve({ json: function () { return {"
                        + "items: [{id: 7, name: 'x\" onmouseover=\"window.pwned=1', displayName: '<b id=\"bold\">\"Q\"</b>',"
                        + " types: ['fire\" data-x=\"1']}], page: 2, totalPages: 3, total: 3 }; } }); };");
        driver.findElement(By.id("load-more")).click();
        waitFor(() -> driver.findElements(By.cssSelector("#rows tr")).size() == 21, "the hostile row is shown");
        org.openqa.selenium.WebElement link = driver.findElement(By.cssSelector("#rows tr:last-child td:nth-child(2) a"));
        assertThat(link.getDomAttribute("id")).isEqualTo("link-x\" onmouseover=\"window.pwned=1");
        assertThat(link.getDomAttribute("onmouseover")).isNull();
        assertThat(link.getText()).isEqualTo("<b id=\"bold\">\"Q\"</b>");
        assertThat(driver.findElements(By.id("bold"))).isEmpty();
        org.openqa.selenium.WebElement type = driver.findElement(By.cssSelector("#rows tr:last-child td:nth-child(3) a"));
        assertThat(type.getDomAttribute("data-x")).isNull();
        assertThat(type.getText()).isEqualTo("fire\" data-x=\"1");
    }

    @Test
    void favouritingUpdatesTheLiveViewInASecondTab() throws Exception {
        driver.get(url("/pokemon/eevee"));
        String first = driver.getWindowHandle();
        waitFor(() -> driver.findElement(By.id("live")).getText().equals("not a favourite"), "the live view started");
        driver.switchTo().newWindow(WindowType.TAB);
        driver.get(url("/pokemon/eevee"));
        String second = driver.getWindowHandle();
        waitFor(() -> client.endpoint("pokemonByName").state("eevee").subscriberCount() == 2, "both tabs watch eevee");

        driver.switchTo().window(first);
        driver.findElement(By.id("favourite")).click();
        driver.switchTo().window(second);
        waitFor(() -> driver.findElement(By.id("live")).getText().equals("★ favourite"),
                "the other tab's live view shows the favourite");
        Browser.screenshot(driver, "live-favourite.png");
        driver.findElement(By.id("favourite")).click();
        driver.switchTo().window(first);
        waitFor(() -> driver.findElement(By.id("live")).getText().equals("not a favourite"), "and back");
    }

    @SuppressWarnings("unchecked")
    private List<String> islandNames() {
        Object island = driver.executeScript("return window.favouritesIsland && window.favouritesIsland.names;");
        return island == null ? null : (List<String>) island;
    }

    private long queryReads() {
        return (Long) driver.executeScript(
                "return performance.getEntriesByType('resource').filter(e => e.name.includes('/_query/q/')).length;");
    }

    @Test
    void theFavouritesIslandHydratesWithoutARequestAndFollowsAToggleInAnotherTab() throws Exception {
        driver.get(url("/favourites"));
        String island = driver.getWindowHandle();
        waitFor(() -> islandNames() != null, "the TanStack Query island rendered");
        waitFor(() -> Boolean.TRUE.equals(driver.executeScript("return window.favouritesEventsReady === true;")),
                "the island listens to /_query/events");
        assertThat(islandNames()).as("rendered from the page state").doesNotContain("bulbasaur");
        assertThat(islandNames()).hasSize(Integer.parseInt(
                driver.findElement(By.id("favourites-island")).getDomAttribute("data-server-count")));
        assertThat(driver.findElement(By.id("favourites-status")).getText()).doesNotContain("loading");
        assertThat(queryReads()).as("hydrated: no request for the data").isZero();
        long upstreamFavourites = upstream.requestCount("favourites");

        driver.switchTo().newWindow(WindowType.TAB);
        driver.get(url("/pokemon/bulbasaur"));
        waitFor(() -> driver.findElement(By.id("live")).getText().equals("not a favourite"), "bulbasaur's page is live");
        driver.findElement(By.id("favourite")).click();
        long clicked = System.nanoTime();
        driver.switchTo().window(island);
        new WebDriverWait(driver, Duration.ofSeconds(60)).pollingEvery(Duration.ofMillis(20))
                .withMessage("the island shows the new favourite").until(d -> islandNames().contains("bulbasaur"));
        long tookMillis = (System.nanoTime() - clicked) / 1_000_000;
        System.out.println("favourites island updated " + tookMillis + " ms after the toggle in the other tab"
                + " (toggle upstream call, invalidation, events stream, /_query/q refetch, upstream call)");
        assertThat(queryReads()).as("the refetch read through /_query/q").isPositive();
        assertThat(upstream.requestCount("favourites")).isGreaterThan(upstreamFavourites);
        Browser.screenshot(driver, "favourites-island.png");

        driver.switchTo().window(driver.getWindowHandles().stream().filter(h -> !h.equals(island)).findFirst().orElseThrow());
        driver.findElement(By.id("favourite")).click();
        driver.switchTo().window(island);
        waitFor(() -> !islandNames().contains("bulbasaur"), "and back");
    }

    @Autowired
    dev.querycache.sample.pokedex.FavouriteService favourites;

    @Test
    void removingAFavouriteOnTheIslandUpdatesItFromTheWritesOwnAnswer() throws Exception {
        favourites.toggle("squirtle").block(Duration.ofSeconds(30));   // squirtle is a favourite now
        try {
            driver.get(url("/favourites"));
            waitFor(() -> islandNames() != null && islandNames().contains("squirtle"), "the island lists squirtle");
            long favouritesBefore = upstream.requestCount("favourites");
            long toggles = upstream.requestCount("favourite/squirtle");

            long clicked = System.nanoTime();
            driver.findElement(By.id("remove-squirtle")).click();
            new WebDriverWait(driver, Duration.ofSeconds(60)).pollingEvery(Duration.ofMillis(20))
                    .withMessage("the island no longer lists squirtle").until(d -> !islandNames().contains("squirtle"));
            long tookMillis = (System.nanoTime() - clicked) / 1_000_000;
            Object inPage = driver.executeScript("return window.lastWriteMillis;");
            System.out.println("favourites island updated " + tookMillis + " ms after its own toggle (single-flight write: "
                    + "toggle upstream call, refetch of the favourites, one round trip; " + inPage + " ms measured in the page)");
            assertThat(queryReads()).as("no read through /_query/q: the write's answer held the new list").isZero();
            assertThat(upstream.requestCount("favourite/squirtle")).isEqualTo(toggles + 1);
            assertThat(upstream.requestCount("favourites")).as("one refetch of the favourites").isEqualTo(favouritesBefore + 1);
            Browser.screenshot(driver, "favourites-single-flight.png");
        } finally {
            if (Boolean.TRUE.equals(client.endpoint("pokemonByName").query("squirtle").map(p -> ((dev.querycache.sample.pokedex.Pokemon) p).favourite())
                    .block(Duration.ofSeconds(30)))) {
                favourites.toggle("squirtle").block(Duration.ofSeconds(30));
            }
        }
    }

    @Test
    void thePokemonPagesToggleUpdatesItFromTheWritesOwnAnswer() {
        driver.get(url("/pokemon/psyduck"));
        waitFor(() -> driver.findElement(By.id("live")).getText().equals("not a favourite"), "psyduck's page is live");
        assertThat(driver.findElement(By.id("query-cache-state")).getAttribute("textContent"))
                .as("the page embeds its state").contains("psyduck");
        driver.findElement(By.id("favourite")).click();
        waitFor(() -> Long.valueOf(1).equals(driver.executeScript("return window.writeUpdates || 0;")),
                "the toggle's own answer updated the page");
        waitFor(() -> driver.findElement(By.id("live")).getText().equals("★ favourite"), "it shows the favourite");
        assertThat(queryReads()).isZero();
        System.out.println("Pokémon page updated from the write's answer " + driver.executeScript("return window.lastWriteMillis;")
                + " ms after the click");
        driver.findElement(By.id("favourite")).click();
        waitFor(() -> driver.findElement(By.id("live")).getText().equals("not a favourite"), "and back");
    }

    @SuppressWarnings("unchecked")
    private List<String> rows() {
        return (List<String>) driver.executeScript(
                "return Array.from(document.querySelectorAll('#entries tr')).map(tr => tr.innerText);");
    }

    @Test
    void devtoolsShowsTheEntries() throws Exception {
        driver.get(url("/"));
        settle();
        client.endpoint("pokemonByName").query("mew").block();
        driver.get(url("/_query/devtools"));
        // the table is rebuilt on every server-sent event: read it in one script call, never via kept handles
        waitFor(() -> rows().stream().anyMatch(r -> r.startsWith("pokemonCatalogue"))
                && rows().stream().anyMatch(r -> r.startsWith("pokemonByName") && r.contains("\"mew\"")),
                "devtools lists the catalogue and mew");
        assertThat(rows()).anyMatch(r -> r.contains("\"mew\"") && r.contains("SUCCESS") && r.contains("Pokemon:mew"));
        Browser.screenshot(driver, "devtools.png");
    }

    /** Signs in through Spring Security's form login page. */
    private static void signIn(ChromeDriver browser, String base, String user, String password) {
        browser.get(base + "/team");   // not signed in: Spring Security shows its login form
        new WebDriverWait(browser, Duration.ofSeconds(60)).withMessage("the login form")
                .until(d -> !d.findElements(By.name("username")).isEmpty());
        browser.findElement(By.name("username")).sendKeys(user);
        browser.findElement(By.name("password")).sendKeys(password);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofSeconds(60)).withMessage(user + " is signed in")
                .until(d -> !d.findElements(By.id("trainer")).isEmpty());
    }

    @Test
    void twoTrainersSignedInInTwoBrowsersEachSeeOnlyTheirOwnTeam() throws Exception {
        ChromeDriver misty = Browser.start();
        try {
            signIn(driver, url(""), "ash", "pikachu");
            signIn(misty, url(""), "misty", "starmie");
            for (int round = 0; round < 2; round++) {   // the second round is served from the cache
                driver.get(url("/team"));
                misty.get(url("/team"));
                new WebDriverWait(driver, Duration.ofSeconds(60)).until(d -> !d.findElements(By.id("team")).isEmpty());
                new WebDriverWait(misty, Duration.ofSeconds(60)).until(d -> !d.findElements(By.id("team")).isEmpty());
                assertThat(driver.findElement(By.id("trainer")).getText()).isEqualTo("ash");
                assertThat(misty.findElement(By.id("trainer")).getText()).isEqualTo("misty");
                assertThat(driver.findElement(By.id("team")).getText()).contains("Pikachu").doesNotContain("Starmie");
                assertThat(misty.findElement(By.id("team")).getText()).contains("Starmie").doesNotContain("Pikachu");
                String ashState = driver.findElement(By.id("query-cache-state")).getAttribute("textContent");
                String mistyState = misty.findElement(By.id("query-cache-state")).getAttribute("textContent");
                assertThat(ashState).contains("pikachu").doesNotContain("starmie");
                assertThat(mistyState).contains("starmie").doesNotContain("pikachu");
            }
            for (ChromeDriver browser : new ChromeDriver[] {driver, misty}) {
                browser.get(url("/_query/devtools"));
                new WebDriverWait(browser, Duration.ofSeconds(60)).withMessage("devtools lists the team entries")
                        .until(d -> d.findElement(By.id("entries")).getText().contains("myTeam"));
                String devtools = browser.findElement(By.tagName("body")).getText();
                assertThat(devtools).as("devtools shows whose entries they are, never their data")
                        .doesNotContain("Pikachu").doesNotContain("Starmie").doesNotContain("Psyduck");
            }
            Browser.screenshot(misty, "team-misty.png");
        } finally {
            misty.quit();
        }
    }
}
