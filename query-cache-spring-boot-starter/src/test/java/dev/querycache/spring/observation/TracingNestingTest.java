package dev.querycache.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import dev.querycache.QueryClient;
import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * With Spring Boot's tracing (Brave) on, a request whose handler misses the cache makes one trace: the server
 * span, under it the {@code query.cache.fetch} span, under that the fetcher's WebClient call, under that the
 * upstream's server span. A second request that hits the cache has no fetch span.
 */
@SpringBootTest(classes = TracingNestingTest.TracedApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.tracing.sampling.probability=1.0", "spring.main.banner-mode=off"})
@AutoConfigureTracing
class TracingNestingTest {

    static final List<MutableSpan> SPANS = new CopyOnWriteArrayList<>();

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import({Upstream.class, Pages.class})
    static class TracedApp {
        @Bean
        SpanHandler collectingSpans() {
            return new SpanHandler() {
                @Override
                public boolean end(TraceContext context, MutableSpan span, Cause cause) {
                    SPANS.add(span);
                    return true;
                }
            };
        }

        @Bean
        Pokemon pokemon(WebClient.Builder http, org.springframework.core.env.Environment env) {
            return new Pokemon(http, env);
        }
    }

    @QueryEndpoint(name = "pokemon")
    static class Pokemon implements QueryFetcher<String, String> {
        private final WebClient.Builder http;
        private final org.springframework.core.env.Environment env;

        Pokemon(WebClient.Builder http, org.springframework.core.env.Environment env) {
            this.http = http;
            this.env = env;
        }

        @Override
        public Mono<String> fetch(String name) {
            return http.build().get().uri("http://localhost:" + env.getProperty("local.server.port") + "/upstream/" + name)
                    .retrieve().bodyToMono(String.class);
        }
    }

    @RestController
    static class Upstream {
        @GetMapping("/upstream/{name}")
        Mono<String> upstream(@PathVariable("name") String name) {
            return Mono.just("{\"name\":\"" + name + "\"}");
        }
    }

    @RestController
    static class Pages {
        private final QueryClient client;

        Pages(QueryClient client) {
            this.client = client;
        }

        @GetMapping("/pokemon/{name}")
        Mono<Object> page(@PathVariable("name") String name) {
            return client.endpoint("pokemon").query(name);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    QueryClient client;

    private MutableSpan span(String traceId, java.util.function.Predicate<MutableSpan> which, String what) {
        return SPANS.stream().filter(s -> s.traceId().equals(traceId) && which.test(s)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + what + " span in trace " + traceId + ": " + SPANS));
    }

    @Test
    void aMissIsOneTraceFromThePageThroughTheFetchToTheUpstream() {
        WebClient.create("http://localhost:" + port).get().uri("/pokemon/pikachu").retrieve().bodyToMono(String.class)
                .block(Duration.ofSeconds(30));
        org.awaitility.Awaitility.await("the spans").atMost(Duration.ofSeconds(30)).until(() ->
                SPANS.stream().anyMatch(s -> "query-cache fetch pokemon".equals(s.name()))
                        && SPANS.stream().filter(s -> s.kind() == brave.Span.Kind.SERVER).count() >= 2);
        MutableSpan fetch = SPANS.stream().filter(s -> "query-cache fetch pokemon".equals(s.name())).findFirst().orElseThrow();
        String trace = fetch.traceId();
        MutableSpan page = span(trace, s -> s.kind() == brave.Span.Kind.SERVER && String.valueOf(s.tag("http.url")).contains("/pokemon/"),
                "page server");
        MutableSpan call = span(trace, s -> s.kind() == brave.Span.Kind.CLIENT, "upstream client");
        MutableSpan upstream = span(trace, s -> s.kind() == brave.Span.Kind.SERVER && String.valueOf(s.tag("http.url")).contains("/upstream/"),
                "upstream server");
        assertThat(fetch.parentId()).as("the fetch under the page's request").isEqualTo(page.id());
        assertThat(call.parentId()).as("the upstream call under the fetch").isEqualTo(fetch.id());
        assertThat(upstream.parentId()).as("the upstream's server span under the call").isEqualTo(call.id());
        assertThat(fetch.tag("endpoint")).isEqualTo("pokemon");
        assertThat(fetch.tag("outcome")).isEqualTo("success");
        assertThat(fetch.tag("mode")).isEqualTo("local");

        int fetchSpans = (int) SPANS.stream().filter(s -> s.name() != null && s.name().startsWith("query-cache fetch")).count();
        WebClient.create("http://localhost:" + port).get().uri("/pokemon/pikachu").retrieve().bodyToMono(String.class)
                .block(Duration.ofSeconds(30));
        // the second page's own server span is reported after anything inside it: wait for it, then look
        org.awaitility.Awaitility.await("the second page's server span").atMost(Duration.ofSeconds(30)).until(() ->
                SPANS.stream().filter(s -> s.kind() == brave.Span.Kind.SERVER
                        && String.valueOf(s.tag("http.url")).contains("/pokemon/")).count() >= 2);
        assertThat(SPANS.stream().filter(s -> s.name() != null && s.name().startsWith("query-cache fetch")).count())
                .as("a hit has no fetch span").isEqualTo(fetchSpans);
    }
}
