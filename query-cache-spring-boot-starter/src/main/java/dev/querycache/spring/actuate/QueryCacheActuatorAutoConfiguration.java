package dev.querycache.spring.actuate;

import dev.querycache.QueryClient;
import dev.querycache.spring.QueryCacheAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code querycache} actuator endpoint and the {@code queryCache} health indicator, when actuator is present. */
@AutoConfiguration(after = QueryCacheAutoConfiguration.class)
@ConditionalOnBean(QueryClient.class)
public class QueryCacheActuatorAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Endpoint.class)
    static class EndpointConfiguration {
        @Bean
        @ConditionalOnMissingBean
        QueryCacheEndpoint queryCacheEndpoint(QueryClient client) {
            return new QueryCacheEndpoint(client);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class HealthConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "queryCacheHealthIndicator")
        QueryCacheHealthIndicator queryCacheHealthIndicator(QueryClient client) {
            return new QueryCacheHealthIndicator(client);
        }
    }
}
