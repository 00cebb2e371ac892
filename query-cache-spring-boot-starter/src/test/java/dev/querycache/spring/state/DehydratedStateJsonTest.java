package dev.querycache.spring.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.DehydratedState;
import dev.querycache.EndpointOptions;
import dev.querycache.InfiniteData;
import dev.querycache.InfiniteQueryFetcher;
import dev.querycache.QueryClient;
import dev.querycache.QueryFetcher;
import dev.querycache.Tag;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

class DehydratedStateJsonTest {

    record Query(String type, int limit) { }
    record Pokemon(String name, String description, List<String> types) { }
    record Page(List<Pokemon> items, int total) { }
    record Cursor(String after) { }

    static class Search implements QueryFetcher<Query, Pokemon> {
        @Override
        public Mono<Pokemon> fetch(Query q) {
            return Mono.empty();
        }

        @Override
        public Set<Tag> providesTags(Query q, Pokemon p) {
            return Set.of(Tag.of("Pokemon", p.name()), Tag.of("Rank", 3));
        }
    }

    static class Catalogue implements InfiniteQueryFetcher<String, Cursor, Page> {
        @Override
        public Cursor initialPageParam() {
            return new Cursor("");
        }

        @Override
        public Mono<Page> fetchPage(String arg, Cursor c) {
            return Mono.empty();
        }

        @Override
        public Cursor getNextPageParam(Page last, List<Page> all, Cursor lastParam, List<Cursor> params) {
            return null;
        }
    }

    static final String HOSTILE = "</script><script>alert(1)</script> <!-- \u2028 \u2029 & > \"quoted\" </SCRIPT>";

    private static QueryClient client() {
        return QueryClient.builder()
                .endpoint("search", new Search(), EndpointOptions.none())
                .infiniteEndpoint("catalogue", new Catalogue(), EndpointOptions.none())
                .build();
    }

    private static DehydratedState filled(QueryClient client) {
        client.endpoint("search").setData(new Query("fire", 2), new Pokemon("charmander", HOSTILE, List.of("fire")));
        client.infiniteEndpoint("catalogue").setData("all", new InfiniteData<>(
                List.of(new Page(List.of(new Pokemon("mew", HOSTILE, List.of("psychic"))), 151)),
                List.of(new Cursor(""))));
        return client.dehydrate();
    }

    @Test
    void theScriptElementCannotBeBrokenOutOf() {
        try (QueryClient client = client()) {
            DehydratedStateJson json = new DehydratedStateJson(new JsonMapper(), client);
            String element = json.scriptElement(filled(client));
            String prefix = "<script type=\"application/json\" id=\"query-cache-state\">";
            assertThat(element).startsWith(prefix).endsWith("</script>");
            String inner = element.substring(prefix.length(), element.length() - "</script>".length());
            assertThat(inner).doesNotContain("<", ">", "\u2028", "\u2029", "&");
            assertThat(inner.toLowerCase()).doesNotContain("</script", "<!--");
            assertThat(element.indexOf("</script>")).isEqualTo(element.length() - "</script>".length());
        }
    }

    @Test
    void aRoundTripThroughTheScriptElementGivesEqualTypedData() {
        DehydratedState original;
        String element;
        try (QueryClient server = client()) {
            original = filled(server);
            element = new DehydratedStateJson(new JsonMapper(), server).scriptElement(original);
        }
        try (QueryClient browser = client()) {
            DehydratedStateJson json = new DehydratedStateJson(new JsonMapper(), browser);
            String inner = element.substring(element.indexOf('>') + 1, element.lastIndexOf("</script>"));
            DehydratedState read = json.read(inner);
            assertThat(read.queries()).hasSize(2);
            browser.hydrate(read);
            assertThat(browser.endpoint("search").state(new Query("fire", 2)).data())
                    .isEqualTo(new Pokemon("charmander", HOSTILE, List.of("fire")));
            assertThat(browser.endpoint("search").state(new Query("fire", 2)).tags())
                    .containsExactlyInAnyOrder(Tag.of("Pokemon", "charmander"), Tag.of("Rank", 3));
            InfiniteData<Object, Object> pages = browser.infiniteEndpoint("catalogue").state("all").data();
            assertThat(pages.pages()).containsExactly(new Page(List.of(new Pokemon("mew", HOSTILE, List.of("psychic"))), 151));
            assertThat(pages.pageParams()).containsExactly(new Cursor(""));
            for (int i = 0; i < original.queries().size(); i++) {
                assertThat(read.queries().get(i).fulfilledAt()).isEqualTo(original.queries().get(i).fulfilledAt());
            }
        }
    }

    @Test
    void entriesOfUnknownEndpointsAreSkipped() {
        try (QueryClient client = client()) {
            DehydratedStateJson json = new DehydratedStateJson(new JsonMapper(), client);
            DehydratedState read = json.read("{\"queries\":[{\"endpoint\":\"gone\",\"arg\":1,\"data\":2,"
                    + "\"fulfilledAt\":0,\"tags\":[],\"infinite\":false}]}");
            assertThat(read.queries()).isEmpty();
        }
    }
}
