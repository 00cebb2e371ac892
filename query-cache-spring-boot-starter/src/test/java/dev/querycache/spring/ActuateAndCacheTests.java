package dev.querycache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import dev.querycache.QueryStatus;
import dev.querycache.spring.TestEndpoints.Catalogue;
import dev.querycache.spring.TestEndpoints.PokemonByName;
import dev.querycache.spring.actuate.QueryCacheActuatorAutoConfiguration;
import dev.querycache.spring.actuate.QueryCacheEndpoint;
import dev.querycache.spring.actuate.QueryCacheHealthIndicator;
import dev.querycache.spring.actuate.QueryCacheMetricsAutoConfiguration;
import dev.querycache.spring.cache.QueryCacheSpringCacheAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.cache.actuate.endpoint.CachesEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

class ActuateAndCacheTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(QueryCacheAutoConfiguration.class,
                    QueryCacheMetricsAutoConfiguration.class, QueryCacheActuatorAutoConfiguration.class,
                    QueryCacheSpringCacheAutoConfiguration.class))
            .withUserConfiguration(Endpoints.class);

    @Configuration(proxyBeanMethods = false)
    static class Endpoints {
        @Bean
        PokemonByName pokemonByName() {
            return new PokemonByName();
        }

        @Bean
        Catalogue catalogue() {
            return new Catalogue();
        }
    }

    @Test
    void metersAreRegisteredInASimpleMeterRegistry() {
        runner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
                .run(ctx -> {
                    MeterRegistry registry = ctx.getBean(MeterRegistry.class);
                    assertThat(registry).isInstanceOf(SimpleMeterRegistry.class);
                    QueryClient client = ctx.getBean(QueryClient.class);
                    var e = client.endpoint(PokemonByName.class);
                    e.query("a").block();
                    e.query("a").block();
                    e.query("a").block();
                    client.endpoint("pokemonByName").refetch("a").block();
                    var sub = e.subscribe("b");

                    assertThat(registry.get("query.cache.requests").tags("endpoint", "pokemonByName", "result", "hit")
                            .functionCounter().count()).isEqualTo(2);
                    assertThat(registry.get("query.cache.requests").tags("endpoint", "pokemonByName", "result", "miss")
                            .functionCounter().count()).isEqualTo(1);
                    assertThat(registry.get("query.cache.requests").tags("endpoint", "pokemonByName", "result", "dedup")
                            .functionCounter().count()).isZero();
                    assertThat(registry.get("query.cache.fetches").tags("endpoint", "pokemonByName", "outcome", "success")
                            .timer().count()).isEqualTo(3);
                    assertThat(registry.get("query.cache.entries").gauge().value()).isEqualTo(2);
                    assertThat(registry.get("query.cache.subscriptions").gauge().value()).isEqualTo(1);
                    assertThat(registry.get("query.cache.evictions").tags("endpoint", "catalogue").functionCounter().count()).isZero();
                    sub.close();
                });
    }

    @Test
    void noMetersWithoutMicrometer() {
        runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .run(ctx -> assertThat(ctx).hasSingleBean(QueryClient.class).doesNotHaveBean("queryCacheMetrics"));
    }

    @Test
    void theActuatorEndpointReadsStatsAndEntriesAndInvalidatesTags() {
        runner.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=querycache").run(ctx -> {
            QueryClient client = ctx.getBean(QueryClient.class);
            client.endpoint(PokemonByName.class).query("pikachu").block();
            QueryCacheEndpoint endpoint = ctx.getBean(QueryCacheEndpoint.class);
            Map<String, Object> read = endpoint.cache();
            assertThat(read).containsKeys("stats", "entries", "size", "subscriptions");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> entries = (List<Map<String, Object>>) read.get("entries");
            assertThat(entries).singleElement().satisfies(e -> {
                assertThat(e).containsEntry("endpoint", "pokemonByName").containsEntry("arg", "pikachu")
                        .containsEntry("status", "SUCCESS").containsEntry("subscribers", 0)
                        .containsEntry("fetching", false).containsKey("ageMillis");
                assertThat(e.get("tags")).isEqualTo(List.of("Pokemon", "Pokemon:pikachu"));
            });
            endpoint.invalidate("Pokemon", "pikachu");
            assertThat(client.endpoint(PokemonByName.class).state("pikachu").status()).isEqualTo(QueryStatus.UNINITIALIZED);
        });
    }

    @Test
    void theHealthIndicatorReportsUpWithTheEntryCount() {
        runner.run(ctx -> {
            ctx.getBean(QueryClient.class).endpoint(PokemonByName.class).query("a").block();
            Health health = ctx.getBean(QueryCacheHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("entries", 1);
        });
    }

    @Test
    void theSpringCacheBridgeIsOffByDefault() {
        runner.run(ctx -> assertThat(ctx).doesNotHaveBean(CacheManager.class));
    }

    @Test
    void theSpringCacheBridgeViewsEndpointsAsCaches() {
        runner.withUserConfiguration(CachingConfig.class).withPropertyValues("query-cache.spring-cache.enabled=true")
                .run(ctx -> {
                    CacheManager manager = ctx.getBean("queryCacheManager", CacheManager.class);
                    assertThat(manager.getCacheNames()).containsExactlyInAnyOrder("pokemonByName", "catalogue");
                    QueryClient client = ctx.getBean(QueryClient.class);
                    client.endpoint(PokemonByName.class).query("pikachu").block();
                    Cache cache = manager.getCache("pokemonByName");
                    assertThat(cache.get("pikachu").get()).isEqualTo("pikachu#1");
                    assertThat(cache.get("eevee")).isNull();
                    assertThat(manager.getCache("nope")).isNull();

                    ctx.getBean(Evictor.class).evict("pikachu").block();
                    assertThat(client.endpoint(PokemonByName.class).state("pikachu").status())
                            .isEqualTo(QueryStatus.UNINITIALIZED);
                });
    }

    @Test
    void actuatorsCachesEndpointListsAndEvictsTheBridgedCaches() {
        runner.withPropertyValues("query-cache.spring-cache.enabled=true").run(ctx -> {
            CachesEndpoint caches = new CachesEndpoint(Map.of("queryCacheManager", ctx.getBean("queryCacheManager", CacheManager.class)));
            assertThat(caches.caches().getCacheManagers().get("queryCacheManager").getCaches())
                    .containsOnlyKeys("pokemonByName", "catalogue");
            QueryClient client = ctx.getBean(QueryClient.class);
            client.endpoint(PokemonByName.class).query("pikachu").block();
            assertThat(caches.clearCache("pokemonByName", "queryCacheManager")).isTrue();
            assertThat(client.endpoint(PokemonByName.class).state("pikachu").status()).isEqualTo(QueryStatus.UNINITIALIZED);
        });
    }

    /** Uses Spring's own @CacheEvict against the bridge. */
    public static class Evictor {
        @CacheEvict(cacheManager = "queryCacheManager", cacheNames = "pokemonByName")
        public Mono<Void> evict(String name) {
            return Mono.empty();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class CachingConfig {
        @Bean
        Evictor evictor() {
            return new Evictor();
        }
    }
}
