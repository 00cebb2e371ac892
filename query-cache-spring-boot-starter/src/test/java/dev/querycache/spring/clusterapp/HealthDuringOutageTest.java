package dev.querycache.spring.clusterapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * {@code /actuator/health} over real HTTP while the application's Redis is down: it answers within the health
 * timeout (Spring Boot's Redis check would otherwise wait for Lettuce to reconnect), with {@code redis} DOWN
 * and the query cache UP, and the cluster failure counter has counted the outage.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthDuringOutageTest {

    private static String status(String health, String component) {
        return new tools.jackson.databind.json.JsonMapper().readTree(health).path("components").path(component)
                .path("status").asString();
    }

    @ParameterizedTest
    @EnumSource(RedisTopology.Kind.class)
    void healthAnswersWithinItsTimeoutDuringAnOutage(RedisTopology.Kind kind) throws Exception {
        try (RedisTopology redis = RedisTopology.startOrSkip(kind)) {
            ConfigurableApplicationContext app = new SpringApplicationBuilder(ClusterTestApplication.class)
                    .web(WebApplicationType.REACTIVE)
                    .properties(redis.springProperties().toArray(String[]::new))
                    .properties("server.port=0", "query-cache.cluster.redis.enabled=true",
                            "query-cache.cluster.reconcile-interval=300ms", "query-cache.cluster.health-timeout=1s",
                            "management.endpoints.web.exposure.include=health,metrics",
                            "management.endpoint.health.show-details=always",
                            "spring.main.banner-mode=off", "spring.jmx.enabled=false", "spring.config.name=cluster-test-none")
                    .run();
            try {
                int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
                WebClient http = WebClient.create("http://localhost:" + port);
                String up = http.get().uri("/actuator/health").exchangeToMono(r -> r.bodyToMono(String.class))
                        .block(Duration.ofSeconds(30));
                assertThat(status(up, "redis")).isEqualTo("UP");

                redis.stop();
                try {
                    long start = System.nanoTime();
                    String during = http.get().uri("/actuator/health").exchangeToMono(r -> r.bodyToMono(String.class))
                            .block(Duration.ofSeconds(20));
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    assertThat(took).as("answered within the timeout, not when Lettuce reconnects").isLessThan(Duration.ofSeconds(15));
                    assertThat(status(during, "redis")).isEqualTo("DOWN");
                    assertThat(status(during, "queryCache")).isEqualTo("UP");
                    if (kind != RedisTopology.Kind.CLUSTER) {
                        // Lettuce holds the command until it reconnects: only the timeout answers
                        assertThat(during).contains("query-cache.cluster.health-timeout");
                    }   // a cluster client may also fail it at once when no node answers: answered in time either way
                    org.awaitility.Awaitility.await("the outage counted").atMost(Duration.ofSeconds(30)).until(() -> {
                        var c = app.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                                .find("query.cache.cluster.failures").functionCounter();
                        return c != null && c.count() > 0;
                    });
                } finally {
                    redis.start();
                }
            } finally {
                app.close();
            }
        }
    }
}
