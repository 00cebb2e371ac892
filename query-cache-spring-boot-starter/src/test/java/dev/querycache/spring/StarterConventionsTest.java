package dev.querycache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.spi.FetchObserver;
import dev.querycache.spi.Invalidation;
import dev.querycache.spi.InvalidationBus;
import dev.querycache.QueryClient;
import dev.querycache.Tag;
import dev.querycache.spring.TestEndpoints.PokemonByName;
import dev.querycache.spring.actuate.QueryCacheActuatorAutoConfiguration;
import dev.querycache.spring.actuate.QueryCacheEndpoint;
import dev.querycache.spring.actuate.QueryCacheHealthIndicator;
import dev.querycache.spring.actuate.QueryCacheMetrics;
import dev.querycache.spring.actuate.QueryCacheMetricsAutoConfiguration;
import dev.querycache.spring.cache.QueryCacheSpringCacheAutoConfiguration;
import dev.querycache.spring.cluster.QueryCacheClusterAutoConfiguration;
import dev.querycache.spring.cluster.RedisInvalidationBus;
import dev.querycache.spring.persistence.QueryCachePersistence;
import dev.querycache.spring.web.QueryCacheWebAutoConfiguration;
import dev.querycache.spring.web.QueryScopeWebFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Modifier;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Every condition of the auto-configurations, each in a context runner (no server): what switches a bean on,
 * and that every bean an application may replace backs off for the application's own.
 */
class StarterConventionsTest {

    private static final AutoConfigurations ALL = AutoConfigurations.of(QueryCacheAutoConfiguration.class,
            QueryCacheMetricsAutoConfiguration.class, QueryCacheActuatorAutoConfiguration.class,
            QueryCacheSpringCacheAutoConfiguration.class, QueryCacheClusterAutoConfiguration.class,
            dev.querycache.spring.state.QueryCacheStateAutoConfiguration.class,
            dev.querycache.spring.persistence.QueryCachePersistenceAutoConfiguration.class,
            QueryCacheWebAutoConfiguration.class);

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(ALL)
            .withUserConfiguration(Endpoints.class);

    private final ReactiveWebApplicationContextRunner web = new ReactiveWebApplicationContextRunner().withConfiguration(ALL)
            .withUserConfiguration(Endpoints.class);

    @Configuration(proxyBeanMethods = false)
    static class Endpoints {
        @Bean
        PokemonByName pokemonByName() {
            return new PokemonByName();
        }
    }

    /** A bus of the application's own: records what it is given; connected or not as the test says. */
    static final class RecordingBus implements InvalidationBus {
        final List<Invalidation> published = new CopyOnWriteArrayList<>();
        volatile boolean connected = true;
        volatile Consumer<Invalidation> receiver;

        @Override
        public void publish(Invalidation invalidation) {
            published.add(invalidation);
        }

        @Override
        public void start(String instanceId, Consumer<Invalidation> receiver) {
            this.receiver = receiver;
        }

        @Override
        public boolean isConnected() {
            return connected;
        }
    }

    @Test
    void autoConfigurationsArePublicFinalAndTheFailureAnalyzersPackagePrivate() {
        for (Class<?> type : List.of(QueryCacheAutoConfiguration.class, QueryCacheMetricsAutoConfiguration.class,
                QueryCacheActuatorAutoConfiguration.class, QueryCacheSpringCacheAutoConfiguration.class,
                QueryCacheClusterAutoConfiguration.class, QueryCacheWebAutoConfiguration.class,
                dev.querycache.spring.state.QueryCacheStateAutoConfiguration.class,
                dev.querycache.spring.persistence.QueryCachePersistenceAutoConfiguration.class)) {
            assertThat(Modifier.isPublic(type.getModifiers()) && Modifier.isFinal(type.getModifiers()))
                    .as(type.getSimpleName() + " is public final").isTrue();
        }
        for (Class<?> type : List.of(QueryCacheFailureAnalyzer.class, QueryCacheBindFailureAnalyzer.class)) {
            assertThat(Modifier.isPublic(type.getModifiers())).as(type.getSimpleName() + " is package-private").isFalse();
        }
    }

    @Test
    void anApplicationsInvalidationBusBeanIsTheClientsBus() {
        runner.withBean(RecordingBus.class, RecordingBus::new).run(ctx -> {
            RecordingBus bus = ctx.getBean(RecordingBus.class);
            QueryClient client = ctx.getBean(QueryClient.class);
            assertThat(bus.receiver).as("started by the client").isNotNull();
            client.invalidateTags(Tag.of("Pokemon", "pikachu"));
            assertThat(bus.published).singleElement().satisfies(i -> {
                assertThat(i.tags()).containsExactly(Tag.of("Pokemon", "pikachu"));
                assertThat(i.origin()).isEqualTo(client.inspector().instanceId());
            });
        });
    }

    @Test
    void theRedisBusBacksOffForAnApplicationsOwnBus() {
        runner.withBean(RecordingBus.class, RecordingBus::new)
                .withPropertyValues("query-cache.cluster.redis.enabled=true")
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(RedisInvalidationBus.class)
                        .hasSingleBean(InvalidationBus.class));
    }

    @Test
    void theRedisBusIsOnOnlyWhenAskedForAndTheHealthStaysUpNamingTheOutageWhileRedisIsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        runner.run(ctx -> assertThat(ctx).doesNotHaveBean(RedisInvalidationBus.class));
        int port = closedPort;
        runner.withBean(LettuceConnectionFactory.class, () -> new LettuceConnectionFactory("127.0.0.1", port))
                .withPropertyValues("query-cache.cluster.redis.enabled=true", "query-cache.cluster.reconcile-interval=200ms")
                .run(ctx -> {
                    assertThat(ctx).hasSingleBean(RedisInvalidationBus.class);
                    RedisInvalidationBus bus = ctx.getBean(RedisInvalidationBus.class);
                    QueryCacheHealthIndicator health = ctx.getBean(QueryCacheHealthIndicator.class);
                    org.awaitility.Awaitility.await("the bus noticed Redis is unreachable").atMost(Duration.ofSeconds(60))
                            .until(() -> !bus.isConnected());
                    // the instance still serves: UP, with the outage in the details
                    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
                    assertThat(String.valueOf(health.health().getDetails().get("cluster"))).startsWith("unreachable");
                });
    }

    @Test
    void theHealthIsUpWithTheBusStateInItsDetailsAndCanBeSwitchedOff() {
        runner.withBean(RecordingBus.class, RecordingBus::new).run(ctx -> {
            QueryCacheHealthIndicator health = ctx.getBean(QueryCacheHealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(health.health().getDetails()).containsEntry("cluster", "connected");
            ctx.getBean(RecordingBus.class).connected = false;
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(String.valueOf(health.health().getDetails().get("cluster"))).startsWith("unreachable");
        });
        runner.withPropertyValues("management.health.querycache.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(QueryCacheHealthIndicator.class));
    }

    @Test
    void theActuatorEndpointExistsOnlyWhenAvailable() {
        web.run(ctx -> assertThat(ctx).doesNotHaveBean(QueryCacheEndpoint.class));
        web.withPropertyValues("management.endpoints.web.exposure.include=querycache")
                .run(ctx -> assertThat(ctx).hasSingleBean(QueryCacheEndpoint.class));
        web.withPropertyValues("management.endpoints.web.exposure.include=querycache",
                        "management.endpoint.querycache.access=NONE")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(QueryCacheEndpoint.class));
    }

    @Test
    void anApplicationsFetchObserverBeanObservesTheClient() {
        List<String> seen = new CopyOnWriteArrayList<>();
        runner.withBean(FetchObserver.class, () -> (endpoint, took, outcome) -> seen.add(endpoint + ":" + outcome))
                .run(ctx -> {
                    ctx.getBean(QueryClient.class).endpoint(PokemonByName.class).query("pikachu").block();
                    assertThat(seen).containsExactly("pokemonByName:SUCCESS");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnClient {
        @Bean(destroyMethod = "close")
        QueryClient myClient() {
            return QueryClient.builder().endpoint(new PokemonByName()).build();
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Test
    void withAnApplicationsOwnClientTheFetchTimerStillRecords() {
        new ApplicationContextRunner().withConfiguration(ALL).withUserConfiguration(OwnClient.class).run(ctx -> {
            assertThat(ctx).hasSingleBean(QueryClient.class).hasSingleBean(QueryCacheMetrics.class);
            MeterRegistry registry = ctx.getBean(MeterRegistry.class);
            ctx.getBean(QueryCacheMetrics.class).bindTo(registry);
            ctx.getBean(QueryClient.class).endpoint(PokemonByName.class).query("pikachu").block();
            assertThat(registry.get("query.cache.fetches").tag("endpoint", "pokemonByName").tag("outcome", "success")
                    .timer().count()).isEqualTo(1);
            assertThat(registry.get("query.cache.requests").tag("result", "miss").functionCounter().count()).isEqualTo(1);
        });
    }

    @Test
    void coreBeansBackOff() {
        runner.withBean("invalidatesTagsPostProcessor", InvalidatesTagsPostProcessor.class,
                        () -> new InvalidatesTagsPostProcessor(null))
                .run(ctx -> assertThat(ctx).hasSingleBean(InvalidatesTagsPostProcessor.class));
        runner.withBean("myMetrics", QueryCacheMetrics.class, () -> new QueryCacheMetrics(null))
                .run(ctx -> assertThat(ctx).getBeans(QueryCacheMetrics.class).containsOnlyKeys("myMetrics"));
        runner.withPropertyValues("query-cache.spring-cache.enabled=true")
                .run(ctx -> assertThat(ctx).hasBean("queryCacheManager"));
        runner.withPropertyValues("query-cache.spring-cache.enabled=true")
                .withBean("queryCacheManager", org.springframework.cache.CacheManager.class,
                        org.springframework.cache.support.NoOpCacheManager::new)
                .run(ctx -> assertThat(ctx.getBean("queryCacheManager"))
                        .isInstanceOf(org.springframework.cache.support.NoOpCacheManager.class));
        runner.withPropertyValues("query-cache.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(QueryClient.class).doesNotHaveBean(QueryCacheMetrics.class));
    }

    @Test
    void theWebLayerIsOnOnlyInAReactiveWebAppWithItsPropertyAndBacksOff() {
        runner.withPropertyValues("query-cache.web.enabled=true")
                .run(ctx -> assertThat(ctx).doesNotHaveBean("queryCacheWebRoutes").doesNotHaveBean(QueryScopeWebFilter.class));
        web.run(ctx -> assertThat(ctx).hasSingleBean(QueryScopeWebFilter.class).doesNotHaveBean("queryCacheWebRoutes")
                .doesNotHaveBean("queryCacheRoutePreloadWebFilter").doesNotHaveBean("queryCacheDevtoolsRoutes"));
        web.withPropertyValues("query-cache.web.enabled=true", "query-cache.devtools.enabled=true")
                .run(ctx -> assertThat(ctx).hasBean("queryCacheWebRoutes").hasBean("queryCacheRoutePreloadWebFilter")
                        .hasBean("queryCacheWebBudget").hasBean("queryCacheDevtoolsRoutes"));
        RouterFunction<ServerResponse> mine = RouterFunctions.route().GET("/mine", r -> ServerResponse.ok().build()).build();
        web.withPropertyValues("query-cache.web.enabled=true", "query-cache.devtools.enabled=true")
                .withBean("queryCacheWebRoutes", RouterFunction.class, () -> mine)
                .withBean("queryCacheDevtoolsRoutes", RouterFunction.class, () -> mine)
                .withBean("queryCacheRoutePreloadWebFilter", org.springframework.web.server.WebFilter.class,
                        () -> (exchange, chain) -> chain.filter(exchange))
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean("queryCacheWebRoutes")).isSameAs(mine);
                    assertThat(ctx.getBean("queryCacheDevtoolsRoutes")).isSameAs(mine);
                });
    }

    @Test
    void persistenceIsOnWithAFileAndBacksOff(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String file = "query-cache.persistence.file=" + dir.resolve("cache.json");
        runner.run(ctx -> assertThat(ctx).doesNotHaveBean(QueryCachePersistence.class));
        runner.withPropertyValues(file).run(ctx -> assertThat(ctx).hasSingleBean(QueryCachePersistence.class));
        runner.withPropertyValues(file, "query-cache.persistence.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(QueryCachePersistence.class));
    }
}
