package dev.querycache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.querycache.Endpoint;
import dev.querycache.QueryClient;
import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import dev.querycache.QueryStatus;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * An errored entry of a WebClient fetcher (issue: memory under a soak) keeps a light copy of the response
 * error: same status subclass, message, headers and body, and a request that is its line only; the
 * fetch's waiter got the original, with the live request of its connection.
 */
class ErroredEntryWebClientTest {

    private static DisposableServer upstream;

    @BeforeAll
    static void start() {
        upstream = HttpServer.create().host("127.0.0.1").port(0)
                .route(r -> r.get("/pokemon/{name}", (req, res) -> res.status(503).header("Retry-After", "7")
                        .sendString(Mono.just("{\"error\":\"pokeapi is down\"}"))))
                .bindNow();
    }

    @AfterAll
    static void stop() {
        upstream.disposeNow();
    }

    @QueryEndpoint(name = "pokemon")
    static class Pokemon implements QueryFetcher<String, String> {
        private final WebClient http = WebClient.create("http://127.0.0.1:" + upstream.port());

        @Override
        public Mono<String> fetch(String name) {
            return http.get().uri("/pokemon/{name}", name).retrieve().bodyToMono(String.class);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Endpoints {
        @Bean
        Pokemon pokemon() {
            return new Pokemon();
        }
    }

    @Test
    void theEntryKeepsStatusMessageHeadersAndBodyButNotTheConnectionsRequest() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(QueryCacheAutoConfiguration.class))
                .withUserConfiguration(Endpoints.class).withPropertyValues("query-cache.endpoints.pokemon.retries=0")
                .run(ctx -> {
                    Endpoint<String, String> pokemon = ctx.getBean(QueryClient.class).endpoint(Pokemon.class);
                    AtomicReference<Throwable> got = new AtomicReference<>();
                    assertThatThrownBy(() -> pokemon.query("mew").doOnError(got::set).block(Duration.ofSeconds(30)))
                            .isInstanceOf(WebClientResponseException.ServiceUnavailable.class);
                    WebClientResponseException original = (WebClientResponseException) got.get();

                    Throwable kept = pokemon.state("mew").error();
                    assertThat(pokemon.state("mew").status()).isEqualTo(QueryStatus.ERROR);
                    assertThat(kept).isNotSameAs(original)
                            .isInstanceOf(WebClientResponseException.ServiceUnavailable.class)
                            .hasMessage(original.getMessage());
                    WebClientResponseException w = (WebClientResponseException) kept;
                    assertThat(w.getMessage()).contains("GET", "/pokemon/mew");
                    assertThat(w.getStatusCode().value()).isEqualTo(503);
                    assertThat(w.getHeaders().getFirst("Retry-After")).isEqualTo("7");
                    assertThat(w.getResponseBodyAsString()).isEqualTo("{\"error\":\"pokeapi is down\"}");
                    assertThat(w.getRequest().getURI()).isEqualTo(original.getRequest().getURI());
                    assertThat(w.getRequest().getClass()).isNotEqualTo(original.getRequest().getClass());
                    assertThat(w.getRequest().getAttributes()).isEmpty();
                    assertThat(w.getSuppressed()).isEmpty();
                });
    }
}
