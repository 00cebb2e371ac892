package dev.querycache.spring.cache;

import dev.querycache.QueryClient;
import dev.querycache.spring.QueryCacheAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.cache.CacheManager;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The opt-in Spring Cache bridge ({@code query-cache.spring-cache.enabled=true}): a {@link CacheManager}
 * named {@code queryCacheManager} whose caches are views of the endpoints, so {@code /actuator/caches}
 * lists and evicts them and {@code @CacheEvict(cacheManager = "queryCacheManager")} works. Off by
 * default because any {@code CacheManager} bean makes Spring Boot's own cache auto-configuration back off.
 */
@AutoConfiguration(after = QueryCacheAutoConfiguration.class)
@ConditionalOnClass(CacheManager.class)
@ConditionalOnBean(QueryClient.class)
@ConditionalOnBooleanProperty(name = "query-cache.spring-cache.enabled")
public final class QueryCacheSpringCacheAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "queryCacheManager")
    QueryCacheCacheManager queryCacheManager(QueryClient client) {
        return new QueryCacheCacheManager(client);
    }
}
