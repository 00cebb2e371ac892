package dev.querycache.spring.cluster;

import dev.querycache.QueryClient;
import dev.querycache.spring.QueryCacheAutoConfiguration;
import dev.querycache.spring.QueryCacheProperties;
import dev.querycache.spi.InvalidationBus;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Invalidation across instances over Redis ({@code query-cache.cluster.redis.enabled=true}, Spring Data
 * Redis on the classpath): a {@link RedisInvalidationBus} on the application's
 * {@code ReactiveRedisConnectionFactory}, which the auto-configured client uses as its {@link InvalidationBus}.
 * Backs off when the application defines its own {@code InvalidationBus} bean; meters
 * {@code query.cache.cluster.failures} and {@code query.cache.cluster.repairs} with Micrometer.
 */
@AutoConfiguration(before = QueryCacheAutoConfiguration.class,
        afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration")
@ConditionalOnClass({ReactiveRedisConnectionFactory.class, JsonMapper.class})
@ConditionalOnBooleanProperty(name = "query-cache.cluster.redis.enabled")
public final class QueryCacheClusterAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(InvalidationBus.class)
    RedisInvalidationBus queryCacheRedisInvalidationBus(ReactiveRedisConnectionFactory factory,
                                                        ObjectProvider<JsonMapper> mapper, ObjectProvider<QueryClient> client,
                                                        QueryCacheProperties properties) {
        QueryCacheProperties.Cluster c = properties.getCluster();
        return new RedisInvalidationBus(factory, mapper.getIfAvailable(JsonMapper::new), client, c.getChannel(),
                c.getVersionsKey(), c.getReconcileInterval());
    }

    /** Redis as every instance's second level ({@code query-cache.cluster.shared.enabled=true}). */
    @Bean(initMethod = "start", destroyMethod = "stop")
    @ConditionalOnBooleanProperty(name = "query-cache.cluster.shared.enabled")
    @ConditionalOnMissingBean(dev.querycache.spi.SharedLevel.class)
    RedisSharedLevel queryCacheRedisSharedLevel(ReactiveRedisConnectionFactory factory, ObjectProvider<JsonMapper> mapper,
                                                ObjectProvider<QueryClient> client, QueryCacheProperties properties,
                                                ObjectProvider<RedisInvalidationBus> buses) {
        QueryCacheProperties.Cluster c = properties.getCluster();
        QueryCacheProperties.Cluster.Shared s = c.getShared();
        RedisSharedLevel level = new RedisSharedLevel(factory, mapper.getIfAvailable(JsonMapper::new), client,
                s.getKeyPrefix(), s.getMaxValueSize().toBytes(), s.getTimeout(), c.getReconcileInterval(),
                new java.util.HashSet<>(s.getExclude()));
        buses.ifAvailable(bus -> bus.publishAfter(level::barrier));   // copies go before the announcement
        return level;
    }

    /** Checks the shared level's settings against the endpoints, and says what the cluster tier runs on. */
    @Bean
    ClusterStartupCheck queryCacheClusterStartupCheck(ObjectProvider<QueryClient> client,
                                                      ObjectProvider<RedisInvalidationBus> buses,
                                                      ObjectProvider<RedisSharedLevel> levels,
                                                      ObjectProvider<ReactiveRedisConnectionFactory> factory,
                                                      QueryCacheProperties properties) {
        return new ClusterStartupCheck(client, buses, levels, factory, properties.getCluster().getChannel(),
                java.util.Set.copyOf(properties.getCluster().getShared().getExclude()));
    }

    /** Stops the bus and the shared level before the connection factory stops (see the class). */
    @Bean
    StopBeforeConnectionFactory queryCacheStopBeforeConnectionFactory(ObjectProvider<RedisSharedLevel> levels,
                                                                      ObjectProvider<RedisInvalidationBus> buses) {
        return new StopBeforeConnectionFactory(levels, buses);
    }

    /** Spring Boot's Redis health check answers within query-cache.cluster.health-timeout (see {@link RedisHealthTimeout}). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.ReactiveHealthIndicator")
    static class Health {
        @Bean
        static RedisHealthTimeout queryCacheRedisHealthTimeout(org.springframework.core.env.Environment environment) {
            return new RedisHealthTimeout(org.springframework.boot.context.properties.bind.Binder.get(environment)
                    .bind("query-cache.cluster.health-timeout", java.time.Duration.class)
                    .orElse(java.time.Duration.ofSeconds(2)));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static class Metrics {
        @Bean
        @ConditionalOnMissingBean(name = "queryCacheClusterMeters")
        MeterBinder queryCacheClusterMeters(ObjectProvider<RedisInvalidationBus> buses,
                                            ObjectProvider<RedisSharedLevel> levels) {
            return registry -> {
                levels.ifAvailable(level -> {
                    FunctionCounter.builder("query.cache.cluster.shared", level, l -> l.sharedHits.get())
                            .description("Local misses served from a copy in Redis, without fetching")
                            .register(registry);
                    FunctionCounter.builder("query.cache.cluster.lease.waits", level, l -> l.leaseWaits.get())
                            .description("Local misses that waited for another instance's fetch")
                            .register(registry);
                    FunctionCounter.builder("query.cache.cluster.takeovers", level, l -> l.takeovers.get())
                            .description("Waits that ended because the fetching instance's lease ran out")
                            .register(registry);
                    FunctionCounter.builder("query.cache.cluster.kept.local", level, l -> l.keptLocal.get())
                            .description("Values kept local: over max-value-size or not writable as JSON")
                            .register(registry);
                });
                buses.ifAvailable(bus -> {
                RedisSharedLevel level = levels.getIfAvailable();
                FunctionCounter.builder("query.cache.cluster.failures", bus,
                                b -> b.failureCount() + (level == null ? 0 : level.failureCount()))
                        .description("Failed Redis commands of the bus (publish, listen, reconcile) and of the shared level")
                        .register(registry);
                FunctionCounter.builder("query.cache.cluster.repairs", bus, RedisInvalidationBus::repairCount)
                        .description("Type- or endpoint-wide invalidations made to repair messages lost on the way")
                        .register(registry);
                });
            };
        }
    }
}
