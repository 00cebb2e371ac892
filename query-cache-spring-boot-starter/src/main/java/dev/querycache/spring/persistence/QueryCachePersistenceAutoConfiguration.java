package dev.querycache.spring.persistence;

import dev.querycache.QueryClient;
import dev.querycache.spring.QueryCacheProperties;
import dev.querycache.spring.state.DehydratedStateJson;
import dev.querycache.spring.state.QueryCacheStateAutoConfiguration;
import java.nio.file.Path;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Persistence of the cache across restarts ({@code query-cache.persistence.file}, unless
 * {@code query-cache.persistence.enabled=false}): a {@link QueryCachePersistence} that reads the file
 * before the web server takes traffic and writes it on shutdown. Backs off for the application's own bean.
 */
@AutoConfiguration(after = QueryCacheStateAutoConfiguration.class)
@ConditionalOnBean({QueryClient.class, DehydratedStateJson.class})
@ConditionalOnProperty(name = "query-cache.persistence.file")
@ConditionalOnBooleanProperty(name = "query-cache.persistence.enabled", matchIfMissing = true)
public final class QueryCachePersistenceAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    QueryCachePersistence queryCachePersistence(QueryClient client, DehydratedStateJson json, QueryCacheProperties properties) {
        return new QueryCachePersistence(client, json, Path.of(properties.getPersistence().getFile()),
                properties.getPersistence().getMaxFileSize().toBytes(), properties.getPersistence().getMaxEntries(),
                properties.getPersistence().getMaxEntrySize().toBytes());
    }
}
