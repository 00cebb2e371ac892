package dev.querycache.spring.cluster;

import dev.querycache.QueryClient;
import dev.querycache.spring.QueryCacheAutoConfiguration;
import dev.querycache.spring.QueryCacheProperties;
import dev.querycache.spring.QueryClientCustomizer;
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
 * {@code ReactiveRedisConnectionFactory}, handed to the auto-configured client.
 */
@AutoConfiguration(before = QueryCacheAutoConfiguration.class,
        afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration")
@ConditionalOnClass({ReactiveRedisConnectionFactory.class, JsonMapper.class})
@ConditionalOnBooleanProperty(name = "query-cache.cluster.redis.enabled")
public class QueryCacheClusterAutoConfiguration {

    @Bean
    RedisInvalidationBus queryCacheRedisInvalidationBus(ReactiveRedisConnectionFactory factory,
                                                        ObjectProvider<JsonMapper> mapper, ObjectProvider<QueryClient> client,
                                                        QueryCacheProperties properties) {
        QueryCacheProperties.Cluster c = properties.getCluster();
        return new RedisInvalidationBus(factory, mapper.getIfAvailable(JsonMapper::new), client, c.getChannel(),
                c.getVersionsKey(), c.getReconcileInterval());
    }

    @Bean
    QueryClientCustomizer queryCacheRedisInvalidationBusCustomizer(RedisInvalidationBus bus) {
        return builder -> builder.invalidationBus(bus);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static class Metrics {
        @Bean
        MeterBinder queryCacheClusterMeters(RedisInvalidationBus bus) {
            return registry -> FunctionCounter.builder("query.cache.cluster.failures", bus, RedisInvalidationBus::failureCount)
                    .description("Failed attempts to reach Redis (publish, listen, reconcile)")
                    .register(registry);
        }
    }
}
