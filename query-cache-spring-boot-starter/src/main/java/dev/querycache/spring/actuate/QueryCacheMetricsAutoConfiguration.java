package dev.querycache.spring.actuate;

import dev.querycache.QueryClient;
import dev.querycache.spring.QueryCacheAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Registers {@link QueryCacheMetrics} as a {@code MeterBinder} (Spring Boot binds it to every
 * {@code MeterRegistry}), for the auto-configured client or the application's own {@code QueryClient}. Only
 * with Micrometer on the classpath and a {@code QueryClient} bean; backs off when the application defines
 * its own {@code QueryCacheMetrics}.
 */
@AutoConfiguration(after = QueryCacheAutoConfiguration.class)
@ConditionalOnBean(QueryClient.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "query-cache.enabled", matchIfMissing = true)
public final class QueryCacheMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    QueryCacheMetrics queryCacheMetrics(ObjectProvider<QueryClient> client) {
        return new QueryCacheMetrics(client);
    }
}
