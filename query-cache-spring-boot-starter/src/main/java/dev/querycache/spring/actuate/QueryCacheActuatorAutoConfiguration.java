package dev.querycache.spring.actuate;

import dev.querycache.spi.InvalidationBus;
import dev.querycache.QueryClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import dev.querycache.spring.QueryCacheAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code querycache} actuator endpoint (when available: enabled and exposed, as every actuator endpoint)
 * and the {@code queryCache} health indicator (unless {@code management.health.querycache.enabled=false}),
 * when actuator is present. Each backs off when the application defines its own.
 */
@AutoConfiguration(after = QueryCacheAutoConfiguration.class)
@ConditionalOnBean(QueryClient.class)
public final class QueryCacheActuatorAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
    static class EndpointConfiguration {
        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint
        QueryCacheEndpoint queryCacheEndpoint(QueryClient client) {
            return new QueryCacheEndpoint(client);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
    static class HealthConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "queryCacheHealthIndicator")
        @ConditionalOnEnabledHealthIndicator("querycache")
        QueryCacheHealthIndicator queryCacheHealthIndicator(QueryClient client, ObjectProvider<InvalidationBus> bus) {
            return new QueryCacheHealthIndicator(client, bus.getIfUnique());
        }
    }
}
