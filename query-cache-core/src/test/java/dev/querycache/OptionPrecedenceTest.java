package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The amendment on precedence: {@code explicit options > annotation attribute that was written > defaults >
 * built-in}, where a written attribute wins even when it equals the built-in default; and invalid values are
 * reported as an {@link InvalidEndpointOptionException} naming endpoint, option and source.
 */
class OptionPrecedenceTest {

    @QueryEndpoint(scope = QueryScope.SHARED, staleWhileRevalidate = false)
    static class WritesTheBuiltInValues implements QueryFetcher<String, String> {
        @Override
        public Mono<String> fetch(String arg) {
            return Mono.just(arg);
        }
    }

    @QueryEndpoint
    static class WritesNothing implements QueryFetcher<String, String> {
        @Override
        public Mono<String> fetch(String arg) {
            return Mono.just(arg);
        }
    }

    @InfiniteQueryEndpoint(maxPages = 0, refetchCachedPages = true)
    static class WritesUnlimitedPages implements InfiniteQueryFetcher<String, Integer, String> {
        @Override
        public Integer initialPageParam() {
            return 1;
        }

        @Override
        public Mono<String> fetchPage(String arg, Integer page) {
            return Mono.just(arg + page);
        }

        @Override
        public Integer getNextPageParam(String last, List<String> all, Integer lastParam, List<Integer> allParams) {
            return lastParam + 1;
        }
    }

    @QueryEndpoint(scope = {QueryScope.SHARED, QueryScope.PRINCIPAL})
    static class TwoScopes implements QueryFetcher<String, String> {
        @Override
        public Mono<String> fetch(String arg) {
            return Mono.just(arg);
        }
    }

    @QueryEndpoint(keepUnusedDataFor = "-5s")
    static class NegativeKeep implements QueryFetcher<String, String> {
        @Override
        public Mono<String> fetch(String arg) {
            return Mono.just(arg);
        }
    }

    private static final EndpointOptions PRINCIPAL_SWR_TWO_PAGES = EndpointOptions.builder()
            .scope(QueryScope.PRINCIPAL).staleWhileRevalidate(true).maxPages(2).refetchCachedPages(false).build();

    @Test
    void aWrittenAttributeWinsOverDefaultsEvenWhenItEqualsTheBuiltInDefault() {
        try (QueryClient client = QueryClient.builder().defaults(PRINCIPAL_SWR_TWO_PAGES)
                .endpoint(new WritesTheBuiltInValues()).endpoint(new WritesNothing())
                .infiniteEndpoint(new WritesUnlimitedPages()).build()) {
            assertThat(client.inspector().scope("writesTheBuiltInValues")).isEqualTo(QueryScope.SHARED);
            assertThat(client.inspector().scope("writesNothing")).as("not written: the defaults apply")
                    .isEqualTo(QueryScope.PRINCIPAL);
            // SHARED works without a caller, and staleWhileRevalidate=false means a stale hit waits for the fetch
            assertThat(client.endpoint("writesTheBuiltInValues").query("a").block()).isEqualTo("a");
            InfiniteEndpoint<Object, Object, Object> pages = client.infiniteEndpoint("writesUnlimitedPages");
            pages.query("p").contextWrite(QueryScopes.withPrincipal("ash")).block();
            pages.fetchNextPage("p").contextWrite(QueryScopes.withPrincipal("ash")).block();
            pages.fetchNextPage("p").contextWrite(QueryScopes.withPrincipal("ash")).block();
            assertThat(QueryScopes.callAs("ash", null, () -> pages.state("p").data().pages()))
                    .as("maxPages = 0 written: unlimited, not the defaults' 2").containsExactly("p1", "p2", "p3");
        }
    }

    @Test
    void anAttributeWithTwoValuesIsRefusedNamingIt() {
        assertThatThrownBy(() -> QueryClient.builder().endpoint(new TwoScopes()).build())
                .isInstanceOfSatisfying(InvalidEndpointOptionException.class, e -> {
                    assertThat(e.endpoint()).isEqualTo("twoScopes");
                    assertThat(e.option()).isEqualTo("scope");
                    assertThat(e.source()).isEqualTo(InvalidEndpointOptionException.Source.ANNOTATION);
                })
                .hasMessageContaining("2 values");
    }

    @Test
    void invalidValuesNameEndpointOptionAndSource() {
        assertThatThrownBy(() -> QueryClient.builder().endpoint(new NegativeKeep()).build())
                .isInstanceOfSatisfying(InvalidEndpointOptionException.class, e -> {
                    assertThat(e.endpoint()).isEqualTo("negativeKeep");
                    assertThat(e.option()).isEqualTo("keepUnusedDataFor");
                    assertThat(e.source()).isEqualTo(InvalidEndpointOptionException.Source.ANNOTATION);
                });
        assertThatThrownBy(() -> QueryClient.builder().endpoint("explicit", Mono::just,
                EndpointOptions.builder().retries(-1).build()).build())
                .isInstanceOfSatisfying(InvalidEndpointOptionException.class, e -> {
                    assertThat(e.endpoint()).isEqualTo("explicit");
                    assertThat(e.option()).isEqualTo("retries");
                    assertThat(e.source()).isEqualTo(InvalidEndpointOptionException.Source.OPTIONS);
                });
        assertThatThrownBy(() -> QueryClient.builder()
                .defaults(EndpointOptions.builder().fetchTimeout(Duration.ZERO).build()).build())
                .as("bad defaults are refused even with no endpoint to apply them to")
                .isInstanceOfSatisfying(InvalidEndpointOptionException.class, e -> {
                    assertThat(e.endpoint()).isNull();
                    assertThat(e.option()).isEqualTo("fetchTimeout");
                    assertThat(e.source()).isEqualTo(InvalidEndpointOptionException.Source.DEFAULTS);
                })
                .hasMessageContaining("client defaults").hasMessageContaining("must be positive");
    }

    @Test
    void everyBuilderMethodIsAnOptionOfTheModel() {
        List<String> builderMethods = java.util.Arrays.stream(EndpointOptions.Builder.class.getDeclaredMethods())
                .filter(m -> java.lang.reflect.Modifier.isPublic(m.getModifiers()) && m.getParameterCount() == 1)
                .map(java.lang.reflect.Method::getName).sorted().toList();
        List<String> options = java.util.Arrays.stream(EndpointOption.all()).map(EndpointOption::optionName).sorted().toList();
        assertThat(builderMethods).isEqualTo(options);
        assertThat(ResolvedOptions.BUILT_IN.toString()).contains("keepUnusedDataFor=PT1M", "maximumSize=10000");
    }
}
