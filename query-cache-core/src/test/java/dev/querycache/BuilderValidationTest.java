package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class BuilderValidationTest {

    private static final QueryFetcher<String, String> F = Mono::just;

    @Test
    void duplicateNamesAreRefusedNamingTheEndpoint() {
        assertThatThrownBy(() -> QueryClient.builder()
                .endpoint("pokemon", F, EndpointOptions.none())
                .endpoint("pokemon", F, EndpointOptions.none()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate endpoint name 'pokemon'");
    }

    @Test
    void negativeDurationsAreRefusedNamingEndpointAndOption() {
        assertThatThrownBy(() -> QueryClient.builder().endpoint("pokemon", F,
                EndpointOptions.builder().keepUnusedDataFor(Duration.ofSeconds(-1)).build()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'pokemon'").hasMessageContaining("keepUnusedDataFor");
        assertThatThrownBy(() -> QueryClient.builder().endpoint("pokemon", F,
                EndpointOptions.builder().staleTime(Duration.ofSeconds(-1)).build()).build())
                .hasMessageContaining("'pokemon'").hasMessageContaining("staleTime");
        assertThatThrownBy(() -> QueryClient.builder().endpoint("pokemon", F,
                EndpointOptions.builder().fetchTimeout(Duration.ZERO).build()).build())
                .hasMessageContaining("'pokemon'").hasMessageContaining("fetchTimeout");
    }

    @Test
    void negativeRetriesAndMaxPagesAreRefused() {
        assertThatThrownBy(() -> QueryClient.builder().endpoint("pokemon", F,
                EndpointOptions.builder().retries(-1).build()).build())
                .hasMessageContaining("'pokemon'").hasMessageContaining("retries");
        assertThatThrownBy(() -> QueryClient.builder().endpoint("pokemon", F,
                EndpointOptions.builder().maxPages(-2).build()).build())
                .hasMessageContaining("'pokemon'").hasMessageContaining("maxPages");
    }

    @Test
    void anUnparseableAnnotationDurationIsRefusedNamingEndpointAndAttribute() {
        assertThatThrownBy(() -> QueryClient.builder().endpoint(new BadDuration()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'badDuration'")
                .hasMessageContaining("keepUnusedDataFor")
                .hasMessageContaining("soon");
    }

    @Test
    void unknownEndpointNamesTheKnownOnes() {
        try (QueryClient client = QueryClient.builder().endpoint("pokemon", F, EndpointOptions.none())
                .endpoint("types", F, EndpointOptions.none()).build()) {
            assertThatThrownBy(() -> client.endpoint("pokemn"))
                    .isInstanceOf(UnknownEndpointException.class)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("pokemn").hasMessageContaining("pokemon").hasMessageContaining("types");
            assertThatThrownBy(() -> client.endpoint(Annotated.class)).isInstanceOf(UnknownEndpointException.class);
        }
    }

    @Test
    void aFetcherClassThatIsNotRegisteredSaysToMakeItABeanAndListsEveryEndpoint() {
        try (QueryClient client = QueryClient.builder().endpoint("pokemon", F, EndpointOptions.none())
                .infiniteEndpoint("pages", new InfiniteQueryFetcher<String, Integer, String>() {
                    @Override
                    public Integer initialPageParam() {
                        return 0;
                    }

                    @Override
                    public reactor.core.publisher.Mono<String> fetchPage(String arg, Integer page) {
                        return reactor.core.publisher.Mono.just(arg + page);
                    }

                    @Override
                    public Integer getNextPageParam(String last, java.util.List<String> all, Integer lastParam,
                                                    java.util.List<Integer> params) {
                        return null;
                    }
                }, EndpointOptions.none()).build()) {
            assertThatThrownBy(() -> client.endpoint(Annotated.class))
                    .hasMessageContaining("make Annotated a bean").hasMessageContaining("@Component")
                    .hasMessageContaining("pokemon").hasMessageContaining("pages");
            assertThatThrownBy(() -> client.endpoint("nope")).hasMessageContaining("pokemon").hasMessageContaining("pages");
        }
    }

    @Test
    void aTypeRegisteredTwiceIsAmbiguousByTypeButFineByName() {
        try (QueryClient client = QueryClient.builder().endpoint(new Annotated())
                .endpoint("explicit", new Annotated(), EndpointOptions.none()).build()) {
            assertThatThrownBy(() -> client.endpoint(Annotated.class)).hasMessageContaining("more than one")
                    .hasMessageContaining("annotated").hasMessageContaining("explicit");
            assertThat(client.endpoint("explicit").name()).isEqualTo("explicit");
        }
    }

    @Test
    void annotationGivesNameAndOptionsAndExplicitOptionsWin() {
        VirtualClock clock = new VirtualClock();
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .defaults(EndpointOptions.builder().keepUnusedDataFor(Duration.ofSeconds(1)).staleTime(Duration.ofSeconds(1)).build())
                .endpoint(new Annotated())
                .endpoint("explicit", new Annotated(), EndpointOptions.builder().keepUnusedDataFor(Duration.ofSeconds(3)).build())
                .build()) {
            assertThat(client.inspector().endpointNames()).containsExactly("annotated", "explicit");
            Endpoint<Object, Object> annotated = client.endpoint("annotated");
            assertThat(annotated.name()).isEqualTo("annotated");
            annotated.query("x").block();
            client.endpoint("explicit").query("x").block();
            clock.advance(Duration.ofMillis(1_999));
            assertThat(annotated.state("x").status()).as("annotation 2s beats default 1s").isEqualTo(QueryStatus.SUCCESS);
            assertThat(annotated.state("x").isStale()).as("default staleTime applies where the annotation is silent").isTrue();
            clock.advance(Duration.ofMillis(1));
            assertThat(annotated.state("x").status()).isEqualTo(QueryStatus.UNINITIALIZED);
            assertThat(client.endpoint("explicit").state("x").status()).as("explicit 3s beats annotation").isEqualTo(QueryStatus.SUCCESS);
            clock.advance(Duration.ofSeconds(1));
            assertThat(client.endpoint("explicit").state("x").status()).isEqualTo(QueryStatus.UNINITIALIZED);
        }
    }

    @Test
    void lambdasNeedAnExplicitName() {
        assertThatThrownBy(() -> QueryClient.builder().endpoint(F).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoint(name, fetcher, options)");
    }

    @Test
    void durationStrings() {
        assertThat(Durations.parse("60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("PT2M")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(Durations.parse("never")).isEqualTo(EndpointOptions.NEVER);
        assertThat(Durations.parse("")).isNull();
        assertThatThrownBy(() -> Durations.parse("-5s")).hasMessageContaining("-5s");
    }

    @QueryEndpoint(keepUnusedDataFor = "2s")
    static class Annotated implements QueryFetcher<String, String> {
        @Override
        public Mono<String> fetch(String arg) {
            return Mono.just(arg);
        }
    }

    @QueryEndpoint(keepUnusedDataFor = "soon")
    static class BadDuration implements QueryFetcher<String, String> {
        @Override
        public Mono<String> fetch(String arg) {
            return Mono.just(arg);
        }
    }
}
