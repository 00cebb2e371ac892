package dev.querycache.spring.actuate;

import dev.querycache.QueryClient;
import dev.querycache.spring.QueryCacheAutoConfiguration;
import dev.querycache.spring.QueryClientCustomizer;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Registers {@link QueryCacheMetrics} as a {@code MeterBinder} (Spring Boot binds it to every
 * {@code MeterRegistry}) and as a fetch observer of the auto-configured client. Only with Micrometer on
 * the classpath.
 */
@AutoConfiguration(before = QueryCacheAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "query-cache.enabled", matchIfMissing = true)
public class QueryCacheMetricsAutoConfiguration {

    @Bean
    QueryCacheMetrics queryCacheMetrics(ObjectProvider<QueryClient> client) {
        return new QueryCacheMetrics(client);
    }

    @Bean
    QueryClientCustomizer queryCacheMetricsCustomizer(QueryCacheMetrics metrics) {
        return builder -> builder.fetchObserver(metrics);
    }
}
