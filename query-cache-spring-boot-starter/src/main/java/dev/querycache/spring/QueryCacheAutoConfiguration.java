package dev.querycache.spring;

import dev.querycache.QueryClient;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;

/**
 * Auto-configures a {@link QueryClient} with every bean annotated {@code @QueryEndpoint} or
 * {@code @InfiniteQueryEndpoint} (endpoint name: the annotation's, else the bean name), the
 * {@code query-cache.*} properties and the {@link QueryClientCustomizer} beans, and the
 * {@link InvalidatesTags} support. Backs off when the application defines its own {@code QueryClient};
 * off with {@code query-cache.enabled=false}. The client is closed when the context closes.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "query-cache.enabled", matchIfMissing = true)
@EnableConfigurationProperties(QueryCacheProperties.class)
public class QueryCacheAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    QueryClient queryClient(ListableBeanFactory beanFactory, QueryCacheProperties properties,
                            ObjectProvider<QueryClientCustomizer> customizers,
                            org.springframework.core.env.Environment environment) {
        return new QueryClientFactory(beanFactory, properties, environment).create(customizers.orderedStream().toList());
    }

    @Bean
    @ConfigurationPropertiesBinding
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static NeverDurationConverter queryCacheNeverDurationConverter() {
        return new NeverDurationConverter();
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static InvalidatesTagsPostProcessor invalidatesTagsPostProcessor(ObjectProvider<QueryClient> client) {
        return new InvalidatesTagsPostProcessor(client);
    }
}
