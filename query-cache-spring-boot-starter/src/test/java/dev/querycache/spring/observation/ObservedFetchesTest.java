package dev.querycache.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import dev.querycache.spring.QueryCacheAutoConfiguration;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Fetches as Micrometer observations, tested with {@link TestObservationRegistry}: a miss is a
 * {@code query.cache.fetch} under the caller's observation, the fetcher's WebClient call (a real HTTP request)
 * nests under it, a join is a short {@code query.cache.join}, a hit creates nothing, a failure says so, and
 * without an {@code ObservationRegistry} bean nothing is observed.
 */
class ObservedFetchesTest {

    static DisposableServer upstream;
    static final Sinks.One<String> SLOW = Sinks.one();

    @BeforeEach
    void startUpstream() {
        upstream = HttpServer.create().host("127.0.0.1").port(0)
                .route(r -> r.get("/pokemon/{name}", (req, res) -> res.sendString(Mono.just("{\"name\":\"" + req.param("name") + "\"}"))))
                .bindNow();
    }

    @AfterEach
    void stopUpstream() {
        upstream.disposeNow();
    }

    @Configuration(proxyBeanMethods = false)
    static class Observed {
        @Bean
        TestObservationRegistry observationRegistry() {
            return TestObservationRegistry.create();
        }

        @Bean
        Pokemon pokemon(TestObservationRegistry registry) {
            return new Pokemon(WebClient.builder().observationRegistry(registry).build());
        }

        @Bean
        Slow slow() {
            return new Slow();
        }
    }

    @QueryEndpoint(name = "pokemon")
    static class Pokemon implements QueryFetcher<String, String> {
        private final WebClient http;

        Pokemon(WebClient http) {
            this.http = http;
        }

        @Override
        public Mono<String> fetch(String name) {
            if (name.equals("missingno")) {
                return Mono.error(new IllegalStateException("no such pokemon"));
            }
            return http.get().uri("http://127.0.0.1:" + upstream.port() + "/pokemon/" + name).retrieve().bodyToMono(String.class);
        }
    }

    @QueryEndpoint(name = "slow")
    static class Slow implements QueryFetcher<String, String> {
        @Override
        public Mono<String> fetch(String arg) {
            return SLOW.asMono();
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(QueryCacheAutoConfiguration.class, QueryCacheObservationAutoConfiguration.class));

    private static List<Observation.Context> named(TestObservationRegistry registry, String name) {
        List<Observation.Context> out = new java.util.ArrayList<>();
        registry.assertThat().hasHandledContextsThatSatisfy(all -> all.stream()
                .filter(c -> name.equals(c.getName())).forEach(out::add));
        return out;
    }

    private static String key(Observation.Context c, String name) {
        var kv = c.getLowCardinalityKeyValue(name);
        return kv == null ? null : kv.getValue();
    }

    @Test
    void aMissIsAChildOfTheCallersObservationAndTheUpstreamCallNestsUnderIt() {
        runner.withUserConfiguration(Observed.class).run(ctx -> {
            TestObservationRegistry registry = ctx.getBean(TestObservationRegistry.class);
            QueryClient client = ctx.getBean(QueryClient.class);
            Observation request = Observation.start("http.server.requests", registry);
            Object body = client.endpoint("pokemon").query("pikachu")
                    .contextWrite(c -> c.put(ObservationThreadLocalAccessor.KEY, request)).block(Duration.ofSeconds(30));
            request.stop();
            assertThat((String) body).contains("pikachu");

            List<Observation.Context> fetches = named(registry, ObservedFetches.FETCH);
            assertThat(fetches).hasSize(1);
            Observation.Context fetch = fetches.get(0);
            assertThat(key(fetch, "endpoint")).isEqualTo("pokemon");
            assertThat(key(fetch, "outcome")).isEqualTo("success");
            assertThat(key(fetch, "mode")).isEqualTo("local");
            assertThat(fetch.getParentObservation()).as("a child of the caller's").isSameAs(request);

            Observation.Context upstreamCall = named(registry, "http.client.requests").get(0);
            assertThat(upstreamCall.getParentObservation()).as("WebClient's observation nests under the fetch").isNotNull();
            assertThat(upstreamCall.getParentObservation().getContextView().getName()).isEqualTo(ObservedFetches.FETCH);
            assertThat(upstreamCall.getParentObservation().getContextView()).isSameAs(fetch);

            // a hit creates no observation
            int before = named(registry, ObservedFetches.FETCH).size() + named(registry, ObservedFetches.JOIN).size();
            client.endpoint("pokemon").query("pikachu").block(Duration.ofSeconds(30));
            assertThat(named(registry, ObservedFetches.FETCH).size() + named(registry, ObservedFetches.JOIN).size())
                    .isEqualTo(before);
        });
    }

    @Test
    void aJoinIsAShortObservationAndAFailureIsAnErrorOutcome() {
        runner.withUserConfiguration(Observed.class).run(ctx -> {
            TestObservationRegistry registry = ctx.getBean(TestObservationRegistry.class);
            QueryClient client = ctx.getBean(QueryClient.class);
            Observation first = Observation.start("first", registry);
            Observation second = Observation.start("second", registry);
            var a = client.endpoint("slow").query("k").contextWrite(c -> c.put(ObservationThreadLocalAccessor.KEY, first)).toFuture();
            var b = client.endpoint("slow").query("k").contextWrite(c -> c.put(ObservationThreadLocalAccessor.KEY, second)).toFuture();
            SLOW.tryEmitValue("done");
            assertThat(a).succeedsWithin(Duration.ofSeconds(30));
            assertThat(b).succeedsWithin(Duration.ofSeconds(30));
            List<Observation.Context> joins = named(registry, ObservedFetches.JOIN);
            assertThat(joins).hasSize(1);
            assertThat(joins.get(0).getParentObservation()).isSameAs(second);
            assertThat(key(joins.get(0), "endpoint")).isEqualTo("slow");
            assertThat(named(registry, ObservedFetches.FETCH)).singleElement()
                    .satisfies(f -> assertThat(f.getParentObservation()).isSameAs(first));

            client.endpoint("pokemon").query("missingno").onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(30));
            Observation.Context failed = named(registry, ObservedFetches.FETCH).stream()
                    .filter(c -> Objects.equals(key(c, "endpoint"), "pokemon")).findFirst().orElseThrow();
            assertThat(key(failed, "outcome")).isEqualTo("error");
            assertThat(failed.getError()).hasMessageContaining("no such pokemon");
            assertThat(failed.getParentObservation()).as("no caller observation: a root").isNull();
        });
    }

    @Test
    void withoutAnObservationRegistryNothingIsObserved() {
        runner.withUserConfiguration(Slow.class).run(ctx -> assertThat(ctx).doesNotHaveBean(dev.querycache.spi.FetchTracing.class));
    }
}
