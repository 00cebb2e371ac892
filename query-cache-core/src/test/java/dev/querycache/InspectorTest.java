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
}
