package com.example.pokedex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The README's getting-started app, run as a new user would: its classes (quoted verbatim by the README),
 * a fresh Spring Boot context on a free port, a slow fake upstream. A hit, a de-duplicated cold key, an
 * invalidation by {@code @InvalidatesTags}, and the actuator endpoint.
 */
class GettingStartedTest {

    static final AtomicInteger PIKACHU = new AtomicInteger();
    static final AtomicInteger EEVEE = new AtomicInteger();
    static DisposableServer upstream;
    static ConfigurableApplicationContext app;
    static WebClient http;

    @BeforeAll
    static void start() {
        upstream = HttpServer.create().host("127.0.0.1").port(0).route(r -> r.get("/pokemon/{name}", (req, res) -> {
            String name = req.param("name");
            (name.equals("pikachu") ? PIKACHU : EEVEE).incrementAndGet();
            return res.header("Content-Type", "application/json")
                    .sendString(Mono.just("{\"name\":\"" + name + "\",\"id\":25}").delayElement(Duration.ofMillis(300)));
        })).bindNow();
        app = new SpringApplicationBuilder(PokedexApplication.class).web(WebApplicationType.REACTIVE).properties(
                "server.port=0", "pokeapi.url=http://127.0.0.1:" + upstream.port(),
                "management.endpoints.web.exposure.include=health,querycache",
                "spring.main.banner-mode=off", "spring.config.name=getting-started-none").run();
        http = WebClient.create("http://localhost:" + app.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (upstream != null) {
            upstream.disposeNow();
        }
    }

    private static String get(String path) {
        return http.get().uri(path).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(30));
    }

    @Test
    void aHitADedupAnInvalidationAndTheActuator() {
        assertThat(get("/api/pokemon/pikachu")).contains("\"name\":\"pikachu\"");
        assertThat(get("/api/pokemon/pikachu")).contains("\"name\":\"pikachu\"");
        assertThat(PIKACHU).as("the second request was a hit").hasValue(1);

        var answers = Flux.range(0, 20).flatMap(i -> http.get().uri("/api/pokemon/eevee").retrieve().bodyToMono(String.class))
                .collectList().block(Duration.ofSeconds(30));
        assertThat(answers).hasSize(20).allMatch(a -> a.contains("eevee"));
        assertThat(EEVEE).as("20 concurrent cold requests, one upstream call").hasValue(1);

        http.post().uri("/api/pokemon/pikachu/favourite").retrieve().toBodilessEntity().block(Duration.ofSeconds(30));
        assertThat(get("/api/pokemon/pikachu")).contains("pikachu");
        assertThat(PIKACHU).as("@InvalidatesTags removed the entry, so it was fetched again").hasValue(2);

        String actuator = get("/actuator/querycache");
        assertThat(actuator).contains("pokemonByName").contains("hitCount");
        assertThat(app.getBean(QueryClient.class).stats().hitCount()).isPositive();
    }
}
