package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class ScopesTest {

    /** "My favourites": the fetcher reads the caller from its Context. */
    static final class Favourites implements QueryFetcher<String, String> {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        @Override
        public Mono<String> fetch(String list) {
            return Mono.deferContextual(ctx -> {
                String user = QueryScopes.principal(ctx);
                calls.computeIfAbsent(user, k -> new AtomicInteger()).incrementAndGet();
                return Mono.just(user + "'s " + list);
            });
        }

        @Override
        public Set<Tag> providesTags(String list, String result) {
            return Set.of(Tag.of("Favourites"));
        }
    }

    private final Favourites favourites = new Favourites();
    private final CountingFetcher perRequest = new CountingFetcher();
    private final QueryClient client = QueryClient.builder()
            .endpoint("favourites", favourites, EndpointOptions.builder().scope(QueryScope.PRINCIPAL)
                    .keepUnusedDataFor(EndpointOptions.NEVER).build())
            .endpoint("perRequest", perRequest, EndpointOptions.builder().scope(QueryScope.REQUEST).build())
            .endpoint("shared", new CountingFetcher(), EndpointOptions.none())
            .build();

    private Mono<Object> as(String user, Mono<Object> m) {
        return m.contextWrite(QueryScopes.withPrincipal(user));
    }

    @Test
    void principalEntriesAreKeyedByTheCallerAndNeverShared() {
        Endpoint<Object, Object> e = client.endpoint("favourites");
        assertThat(as("ash", e.query("team")).block()).isEqualTo("ash's team");
        assertThat(as("misty", e.query("team")).block()).isEqualTo("misty's team");
        assertThat(as("ash", e.query("team")).block()).isEqualTo("ash's team");
        assertThat(favourites.calls.get("ash")).hasValue(1);
        assertThat(favourites.calls.get("misty")).hasValue(1);
        assertThat(client.inspector().size()).isEqualTo(2);
        assertThat(client.entries()).extracting(QueryState::principal).containsExactlyInAnyOrder("ash", "misty");
        assertThat(client.entries()).extracting(QueryState::arg).containsOnly("team");
    }

    @Test
    void withoutACallerAPrincipalEndpointFailsNamingEndpointAndScope() {
        Endpoint<Object, Object> e = client.endpoint("favourites");
        assertThatThrownBy(() -> e.query("team").block())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'favourites'").hasMessageContaining("PRINCIPAL");
        assertThatThrownBy(() -> e.prefetch("team")).hasMessageContaining("'favourites'").hasMessageContaining("PRINCIPAL");
        assertThat(client.inspector().size()).as("never a shared fallback entry").isZero();
    }

    @Test
    void synchronousMethodsUseTheCallerOfTheThread() {
        Endpoint<Object, Object> e = client.endpoint("favourites");
        QueryScopes.callAs("brock", null, () -> {
            e.prefetch("team");
            return null;
        });
        assertThat(QueryScopes.callAs("brock", null, () -> e.state("team").data())).isEqualTo("brock's team");
        assertThat(QueryScopes.callAs("ash", null, () -> e.state("team").status())).isEqualTo(QueryStatus.UNINITIALIZED);
    }

    @Test
    void aTagReachesEveryCallersEntries() {
        Endpoint<Object, Object> e = client.endpoint("favourites");
        as("ash", e.query("team")).block();
        as("misty", e.query("team")).block();
        client.invalidateTags(Tag.of("Favourites"));
        assertThat(client.inspector().size()).isZero();
    }

    @Test
    void requestEntriesAreDeduplicatedWithinARequestAndGoneAfterIt() {
        Endpoint<Object, Object> e = client.endpoint("perRequest");
        RequestScope first = RequestScope.open();
        assertThat(e.query("cart").contextWrite(QueryScopes.withRequest(first)).block()).isEqualTo("cart#1");
        assertThat(e.query("cart").contextWrite(QueryScopes.withRequest(first)).block()).isEqualTo("cart#1");
        assertThat(perRequest.callsFor("cart")).isEqualTo(1);
        assertThat(client.entries()).as("a request's own entries are not listed").isEmpty();

        RequestScope second = RequestScope.open();
        assertThat(e.query("cart").contextWrite(QueryScopes.withRequest(second)).block()).isEqualTo("cart#2");
        assertThatThrownBy(() -> e.query("cart").block()).hasMessageContaining("'perRequest'").hasMessageContaining("REQUEST");
        assertThatThrownBy(() -> e.prefetch("cart")).hasMessageContaining("'perRequest'").hasMessageContaining("REQUEST");
        first.close();
        second.close();
        assertThat(client.inspector().size()).as("closed requests leave nothing behind").isZero();
    }

    @Test
    void aRequestEndpointHonoursTheWholeEndpointContractWithinItsRequest() {
        Endpoint<Object, Object> e = client.endpoint("perRequest");
        RequestScope request = RequestScope.open();
        perRequest.failNext = true;
        assertThatThrownBy(() -> e.query("cart").contextWrite(QueryScopes.withRequest(request)).block())
                .hasMessageContaining("boom");
        assertThat(e.query("cart").contextWrite(QueryScopes.withRequest(request)).block())
                .as("a failed fetch is not cached for the rest of the request").isEqualTo("cart#2");
        assertThat(e.refetch("cart").contextWrite(QueryScopes.withRequest(request)).block())
                .as("refetch fetches").isEqualTo("cart#3");
        QueryScopes.callAs(null, request, () -> {
            e.setData("cart", "written");
            assertThat(e.state("cart").data()).isEqualTo("written");
            assertThat(e.updateData("cart", d -> d + "!")).isTrue();
            try (QuerySubscription<Object> sub = e.subscribe("other")) {
                assertThat(sub.result().block()).isEqualTo("other#1");
            }
            e.prefetch("third");
            e.invalidate("cart");
            assertThat(e.state("cart").status()).isEqualTo(QueryStatus.UNINITIALIZED);
            return null;
        });
        RequestScope another = RequestScope.open();
        assertThat(QueryScopes.callAs(null, another, () -> e.state("other").status()))
                .as("nothing of one request in another").isEqualTo(QueryStatus.UNINITIALIZED);
        assertThat(request.requestEntryCount()).isEqualTo(3);
        request.close();
        another.close();
        assertThat(client.inspector().size()).isZero();
        assertThatThrownBy(() -> e.query("cart").contextWrite(QueryScopes.withRequest(request)).block())
                .hasMessageContaining("ended");
    }

    @Test
    void aRequestDehydratesOnlyWhatItRead() {
        Endpoint<Object, Object> favs = client.endpoint("favourites");
        as("misty", favs.query("team")).block();
        RequestScope request = RequestScope.open();
        favs.query("team").contextWrite(QueryScopes.withPrincipal("ash")).contextWrite(QueryScopes.withRequest(request)).block();
        client.endpoint("perRequest").query("cart").contextWrite(QueryScopes.withRequest(request)).block();

        DehydratedState page = client.dehydrate(request);
        assertThat(page.queries()).extracting(DehydratedState.DehydratedQuery::data)
                .containsExactlyInAnyOrder("ash's team", "cart#1");
        assertThat(client.dehydrate().queries()).as("the whole-cache snapshot leaves PRINCIPAL entries out").isEmpty();
    }

    @Test
    void infiniteEndpointsTakeScopesToo() {
        FakeUpstream upstream = new FakeUpstream(15);
        try (QueryClient c = QueryClient.builder()
                .infiniteEndpoint("mine", new InfiniteQueryTest.Pages(upstream), EndpointOptions.builder().scope(QueryScope.PRINCIPAL).build())
                .infiniteEndpoint("once", new InfiniteQueryTest.Pages(upstream), EndpointOptions.builder().scope(QueryScope.REQUEST).build())
                .build()) {
            InfiniteEndpoint<Object, Object, Object> mine = c.infiniteEndpoint("mine");
            mine.query("a").contextWrite(QueryScopes.withPrincipal("ash")).block();
            mine.fetchNextPage("a").contextWrite(QueryScopes.withPrincipal("ash")).block();
            mine.query("a").contextWrite(QueryScopes.withPrincipal("misty")).block();
            assertThat(QueryScopes.callAs("ash", null, () -> mine.state("a").data().pageParams())).containsExactly(1, 2);
            assertThat(QueryScopes.callAs("misty", null, () -> mine.state("a").data().pageParams())).containsExactly(1);
            assertThat(upstream.requests).containsExactly("a/1", "a/2", "a/1");
            assertThatThrownBy(() -> mine.fetchNextPage("a").block()).hasMessageContaining("PRINCIPAL");

            RequestScope request = RequestScope.open();
            InfiniteEndpoint<Object, Object, Object> once = c.infiniteEndpoint("once");
            once.query("b").contextWrite(QueryScopes.withRequest(request)).block();
            once.query("b").contextWrite(QueryScopes.withRequest(request)).block();
            assertThat(upstream.requests).containsExactly("a/1", "a/2", "a/1", "b/1");
            assertThatThrownBy(() -> once.fetchNextPage("b").block()).hasMessageContaining("REQUEST");
            assertThat(once.fetchNextPage("b").contextWrite(QueryScopes.withRequest(request)).block().pageParams())
                    .as("within its request an infinite REQUEST entry pages like any other").containsExactly(1, 2);
            assertThat(c.entries()).extracting(QueryState::endpoint).containsOnly("mine");
            request.close();
        }
    }
}
