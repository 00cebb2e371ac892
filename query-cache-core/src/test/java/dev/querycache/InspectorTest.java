package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/** {@link QueryClient.Inspector}: tooling reads without touching data, and fetch observers added after build. */
class InspectorTest {

    static final class Upper implements QueryFetcher<String, String> {
        @Override
        public Mono<String> fetch(String arg) {
            return arg.equals("boom") ? Mono.error(new IllegalStateException("boom")) : Mono.just(arg.toUpperCase());
        }
    }

    @Test
    void describesEndpointsWithoutHandingOutTheFetcher() {
        try (QueryClient client = QueryClient.builder().endpoint("upper", new Upper(),
                EndpointOptions.builder().scope(QueryScope.PRINCIPAL).build()).build()) {
            QueryClient.Inspector inspector = client.inspector();
            assertThat(inspector).isSameAs(client.inspector());
            assertThat(inspector.endpointNames()).containsExactly("upper");
            assertThat(inspector.scope("upper")).isEqualTo(QueryScope.PRINCIPAL);
            assertThat(inspector.isInfinite("upper")).isFalse();
            assertThat(inspector.fetcherType("upper")).isEqualTo(Upper.class);
            assertThat(inspector.instanceId()).isNotBlank();
            assertThatThrownBy(() -> inspector.stats("lower")).isInstanceOf(UnknownEndpointException.class)
                    .hasMessageContaining("upper");
        }
    }

    @Test
    void aFetchObserverAddedAfterBuildSeesEverySettledFetchUntilDisposed() {
        try (QueryClient client = QueryClient.builder().endpoint("upper", new Upper(), EndpointOptions.none()).build()) {
            List<String> seen = new CopyOnWriteArrayList<>();
            Disposable observing = client.inspector().observeFetches((endpoint, took, outcome) -> seen.add(endpoint + ":" + outcome));
            Endpoint<Object, Object> upper = client.endpoint("upper");
            assertThat(upper.query("a").block()).isEqualTo("A");
            assertThatThrownBy(() -> upper.query("boom").block()).hasMessageContaining("boom");
            assertThat(seen).containsExactly("upper:SUCCESS", "upper:ERROR");
            observing.dispose();
            upper.refetch("a").block();
            assertThat(seen).as("disposed: told nothing more").hasSize(2);
            assertThat(client.inspector().stats("upper").fetchCount()).isEqualTo(3);
        }
    }

    static final class Tagged implements QueryFetcher<String, String> {
        @Override
        public Mono<String> fetch(String arg) {
            return Mono.just(arg);
        }

        @Override
        public java.util.Set<Tag> providesTags(String arg, String result) {
            return java.util.Set.of(Tag.of("Item", arg));
        }
    }

    @Test
    void invalidationsNameEveryInvalidatedEntryWithItsCallerButNoRequestEntries() {
        try (QueryClient client = QueryClient.builder()
                .endpoint("items", new Tagged(), EndpointOptions.none())
                .endpoint("mine", new Tagged(), EndpointOptions.builder().scope(QueryScope.PRINCIPAL).build())
                .endpoint("perRequest", new Tagged(), EndpointOptions.builder().scope(QueryScope.REQUEST).build())
                .build()) {
            List<String> seen = new CopyOnWriteArrayList<>();
            Disposable listening = client.inspector().invalidations()
                    .subscribe(s -> seen.add(s.endpoint() + ":" + s.arg() + ":" + s.principal()));
            client.endpoint("items").query("a").block();
            client.endpoint("items").query("b").block();
            client.endpoint("mine").query("a").contextWrite(QueryScopes.withPrincipal("ash")).block();
            RequestScope request = RequestScope.open();
            client.endpoint("perRequest").query("a").contextWrite(QueryScopes.withRequest(request)).block();

            client.invalidateTags(Tag.of("Item", "a"));
            client.endpoint("items").invalidate("b");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> seen.size() >= 3);
            assertThat(seen).containsExactlyInAnyOrder("items:a:null", "mine:a:ash", "items:b:null");
            request.close();
            listening.dispose();
        }
    }
}
