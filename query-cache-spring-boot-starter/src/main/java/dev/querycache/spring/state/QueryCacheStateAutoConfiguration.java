package dev.querycache.spring.state;

import dev.querycache.QueryClient;
import dev.querycache.spring.QueryCacheAutoConfiguration;
import dev.querycache.spring.QueryCacheProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cache's state as JSON ({@link DehydratedStateJson}, in {@code query-cache.web.state-format}): what page
 * states, single-flight answers, {@code /events} and persistence all write and read. Backs off for the
 * application's own {@code DehydratedStateJson} bean; uses the application's {@code JsonMapper} when there is one.
 */
@AutoConfiguration(after = QueryCacheAutoConfiguration.class,
        afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(JsonMapper.class)
@ConditionalOnBean(QueryClient.class)
public final class QueryCacheStateAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    DehydratedStateJson dehydratedStateJson(ObjectProvider<JsonMapper> mapper, QueryClient client,
                                            QueryCacheProperties properties) {
        return new DehydratedStateJson(mapper.getIfAvailable(JsonMapper::new), client,
                properties.getWeb().getStateFormat());
    }
}
