package dev.querycache.spring.sharedapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import dev.querycache.spring.clusterapp.RedisTopology;
import dev.querycache.spring.sharedapp.SharedTestApplication.Products;
import dev.querycache.spring.sharedapp.SharedTestApplication.Upstream;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How a fetch ran across the cluster, as its observation says: the instance holding the lease fetches
 * ({@code mode=lease-holder}), another instance asking later is answered by the copy ({@code mode=shared-copy},
 * with the {@code query.cache.shared.copy} event), one asking while the first fetches waits for it
 * ({@code after-lease-wait}). On every Redis topology.
 */
class SharedLevelObservationTest {

    RedisTopology redis;
    final List<ConfigurableApplicationContext> instances = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        instances.forEach(ConfigurableApplicationContext::close);
        instances.clear();
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Observed {
        @Bean
        TestObservationRegistry observationRegistry() {
            return TestObservationRegistry.create();
        }
    }

    private ConfigurableApplicationContext instance() {
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(SharedTestApplication.class, Observed.class)
                .web(WebApplicationType.NONE)
                .properties(redis.springProperties().toArray(String[]::new))
                .properties("query-cache.cluster.redis.enabled=true", "query-cache.cluster.shared.enabled=true",
                        "query-cache.cluster.reconcile-interval=300ms", "query-cache.cluster.shared.timeout=10s",
                        "spring.main.banner-mode=off", "spring.jmx.enabled=false", "spring.config.name=shared-test-none")
                .run();
        instances.add(ctx);
        return ctx;
    }

    private static List<Observation.Context> fetches(ConfigurableApplicationContext ctx) {
        List<Observation.Context> out = new ArrayList<>();
        ctx.getBean(TestObservationRegistry.class).assertThat().hasHandledContextsThatSatisfy(all -> all.stream()
                .filter(c -> "query.cache.fetch".equals(c.getName())).forEach(out::add));
        return out;
    }

    /** How the fetch ran; "running" while its observation is not stopped. */
    private static String mode(Observation.Context c) {
        var kv = c.getLowCardinalityKeyValue("mode");
        return kv == null ? "running" : kv.getValue();
    }

    @ParameterizedTest
    @EnumSource(RedisTopology.Kind.class)
    void theObservationSaysHowEachFetchRan(RedisTopology.Kind kind) throws Exception {
        redis = RedisTopology.startOrSkip(kind);
        Upstream.CALLS.clear();
        ConfigurableApplicationContext a = instance();
        ConfigurableApplicationContext b = instance();
        ConfigurableApplicationContext c = instance();
        a.getBean(QueryClient.class).endpoint(Products.class).query("obs").block(Duration.ofSeconds(30));
        assertThat(fetches(a)).singleElement().satisfies(f -> assertThat(mode(f)).isEqualTo("lease-holder"));

        org.awaitility.Awaitility.await("the copy is written").atMost(Duration.ofSeconds(30)).until(() -> {
            b.getBean(QueryClient.class).endpoint(Products.class).query("obs").block(Duration.ofSeconds(30));
            return fetches(b).stream().anyMatch(f -> mode(f).equals("shared-copy"));
        });
        assertThat(Upstream.calls("products:obs")).isEqualTo(1);

        // C and A ask a cold key at once: one holds the lease, the other waits for it (the upstream takes 50 ms)
        var onA = a.getBean(QueryClient.class).endpoint(Products.class).query("together").toFuture();
        var onC = c.getBean(QueryClient.class).endpoint(Products.class).query("together").toFuture();
        assertThat(onA).succeedsWithin(Duration.ofSeconds(30));
        assertThat(onC).succeedsWithin(Duration.ofSeconds(30));
        List<String> modes = new ArrayList<>();
        fetches(a).stream().skip(1).forEach(f -> modes.add(mode(f)));
        fetches(c).forEach(f -> modes.add(mode(f)));
        assertThat(modes).contains("lease-holder").containsAnyOf("after-lease-wait", "shared-copy").hasSize(2);
    }
}
