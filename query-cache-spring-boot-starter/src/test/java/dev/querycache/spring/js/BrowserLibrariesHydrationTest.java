package dev.querycache.spring.js;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.EndpointOptions;
import dev.querycache.InfiniteData;
import dev.querycache.InfiniteQueryFetcher;
import dev.querycache.QueryClient;
import dev.querycache.QueryFetcher;
import dev.querycache.Tag;
import dev.querycache.spring.state.DehydratedStateJson;
import dev.querycache.spring.state.StateFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The page state in the TanStack Query and RTK Query formats, hydrated by the real libraries from npm
 * ({@code src/test/js/package.json}, installed into {@code target/js} on first run) in node: every entry reads
 * with zero network requests and equals the server's data, tags included. Needs node and npm (CI installs them).
 */
public class BrowserLibrariesHydrationTest {

    public static final Path JS = Path.of("target", "js");

    record Pokemon(String name, int id, String flavour) { }

    record SearchQuery(String type, int limit, List<String> regions) { }

    static final String HOSTILE = "</script><script>alert(1)</script> & \u2028 <!-- é 🐉";

    /** Copies the node scripts into {@code target/js} and installs the libraries package.json pins, once. */
    @BeforeAll
    public static void install() throws Exception {
        Files.createDirectories(JS);
        for (String file : List.of("package.json", "hydrate-check.mjs", "single-flight-check.mjs")) {
            Files.copy(Path.of("src", "test", "js", file), JS.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Path installed = JS.resolve("node_modules/@tanstack/query-core/package.json");
        String wanted = Files.readString(JS.resolve("package.json"))
                .replaceAll("(?s).*\"@tanstack/query-core\": \"([^\"]+)\".*", "$1");
        if (!Files.isRegularFile(installed) || !Files.readString(installed).contains("\"version\": \"" + wanted + "\"")
                || !Files.isDirectory(JS.resolve("node_modules/@reduxjs/toolkit"))) {
            run(Duration.ofMinutes(5), "npm", "install", "--no-audit", "--no-fund", "--loglevel=error");
        }
    }

    /** Runs {@code command} in {@code target/js}; fails unless it exits 0 within {@code limit}. Returns its output. */
    public static String run(Duration limit, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(JS.toFile()).redirectErrorStream(true).start();
        boolean done = p.waitFor(limit.toSeconds(), TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done).as(String.join(" ", command) + " finished within " + limit + "\n" + out).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + " failed:\n" + out).isZero();
        return out;
    }

    private static QueryClient client() {
        QueryFetcher<String, Pokemon> pokemon = new QueryFetcher<>() {
            @Override
            public Mono<Pokemon> fetch(String name) {
                return Mono.just(new Pokemon(name, name.length(), HOSTILE));
            }

            @Override
            public Set<Tag> providesTags(String name, Pokemon p) {
                return Set.of(Tag.of("Pokemon", name), Tag.of("Dex", p.id()));
            }
        };
        QueryFetcher<SearchQuery, List<String>> search = q -> Mono.just(List.of(q.type() + "-1", q.type() + "-" + q.limit()));
        QueryFetcher<Void, List<String>> types = ignored -> Mono.just(List.of("fire", "water"));
        InfiniteQueryFetcher<String, Integer, List<Integer>> catalogue = new InfiniteQueryFetcher<>() {
            @Override
            public Integer initialPageParam() {
                return 0;
            }

            @Override
            public Mono<List<Integer>> fetchPage(String arg, Integer page) {
                return Mono.just(List.of(page * 10, page * 10 + 1));
            }

            @Override
            public Integer getNextPageParam(List<Integer> last, List<List<Integer>> all, Integer lastParam, List<Integer> params) {
                return lastParam + 1;
            }
        };
        return QueryClient.builder()
                .endpoint("pokemon", pokemon, EndpointOptions.none())
                .endpoint("search", search, EndpointOptions.none())
                .endpoint("types", types, EndpointOptions.none())
                .infiniteEndpoint("catalogue", catalogue, EndpointOptions.none())
                .build();
    }

    @Test
    void tanStackQueryAndRtkQueryHydrateThePageStateAndReadEveryEntryWithoutARequest() throws Exception {
        JsonMapper mapper = new JsonMapper();
        try (QueryClient client = client()) {
            client.endpoint("pokemon").query("pikachu").block(Duration.ofSeconds(30));
            client.endpoint("pokemon").query("mr. mime \"<b>\"").block(Duration.ofSeconds(30));
            client.endpoint("search").query(new SearchQuery("fire", 3, List.of("kanto", "johto"))).block(Duration.ofSeconds(30));
            client.endpoint("types").query(null).block(Duration.ofSeconds(30));
            client.infiniteEndpoint("catalogue").query("all").block(Duration.ofSeconds(30));
            client.infiniteEndpoint("catalogue").fetchNextPage("all").block(Duration.ofSeconds(30));

            List<Map<String, Object>> expected = new ArrayList<>();
            for (var q : client.dehydrate().queries()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("endpoint", q.endpoint());
                e.put("arg", q.arg());
                e.put("data", q.data() instanceof InfiniteData<?, ?> d ? Map.of("pages", d.pages(), "pageParams", d.pageParams()) : q.data());
                e.put("infinite", q.infinite());
                List<Map<String, Object>> tags = new ArrayList<>();
                for (Tag t : q.tags()) {
                    Map<String, Object> tag = new LinkedHashMap<>();
                    tag.put("type", t.type());
                    if (t.id() != null) {
                        tag.put("id", t.id());
                    }
                    tags.add(tag);
                }
                e.put("tags", tags);
                expected.add(e);
            }
            assertThat(expected).hasSize(5);
            DehydratedStateJson json = new DehydratedStateJson(mapper, client, StateFormat.TANSTACK);
            Files.writeString(JS.resolve("tanstack.html"), json.scriptElement(client.dehydrate()));
            Files.writeString(JS.resolve("rtk-query.html"), json.scriptElement(client.dehydrate(), StateFormat.RTK_QUERY));
            Files.writeString(JS.resolve("expected.json"), mapper.writeValueAsString(expected));
        }
        String out = run(Duration.ofMinutes(2), "node", "hydrate-check.mjs", JS.toAbsolutePath().toString());
        assertThat(out.strip()).endsWith("ok");
    }
}
