package dev.querycache.spring;

import dev.querycache.spi.FetchObserver;
import dev.querycache.spi.InvalidationBus;
import dev.querycache.QueryClient;
import java.util.ArrayList;
import java.util.List;
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
public final class QueryCacheAutoConfiguration {

    /** The Spring Boot generations this starter is built and tested for. */
    static final String SUPPORTED = "Spring Boot 4.x (tested with 4.1.2), Java 17+";

    QueryCacheAutoConfiguration() {
        checkSupported(org.springframework.boot.SpringBootVersion.getVersion());
    }

    /**
     * Fails startup on a Spring Boot this starter does not support, instead of starting with parts of it
     * quietly missing (the web layer, page state and health need Boot 4 and Jackson 3).
     *
     * @throws QueryCacheConfigurationException naming the version found and the supported ones
     */
    static void checkSupported(String bootVersion) {
        if (bootVersion == null) {
            return;   // unknown (repackaged): nothing to say
        }
        int major;
        try {
            major = Integer.parseInt(bootVersion.split("\\.")[0]);
        } catch (NumberFormatException e) {
            return;
        }
        if (major < 4) {
            throw new QueryCacheConfigurationException("query-cache-spring-boot-starter does not support Spring Boot "
                    + bootVersion + ": it needs " + SUPPORTED + ".",
                    "Upgrade to Spring Boot 4, or use query-cache-core directly (plain Java: Caffeine and Reactor, no Spring) "
                            + "and build the QueryClient yourself.");
        }
    }

    /**
     * The web layer and devtools are WebFlux: on a Spring MVC (servlet) application, asking for them fails
     * startup with an explanation instead of answering 404. The core works on MVC too.
     */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    @org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication(
            type = org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type.SERVLET)
    static class ServletApplicationCheck {
        ServletApplicationCheck(org.springframework.core.env.Environment env) {
            for (String property : new String[] {"query-cache.web.enabled", "query-cache.devtools.enabled"}) {
                if (Boolean.TRUE.equals(env.getProperty(property, Boolean.class))) {
                    throw new QueryCacheConfigurationException("Property '" + property + "' is true, but this is a Spring MVC "
                            + "(servlet) application: query-cache's web layer (route preloads, HTTP prefetch/preload, "
                            + "preload.js, devtools) is built on Spring WebFlux and would not be served.",
                            "Remove '" + property + "' (QueryClient, @QueryEndpoint, @InvalidatesTags, metrics and the actuator "
                                    + "endpoint work on Spring MVC too), or run the application on WebFlux "
                                    + "(spring-boot-starter-webflux, spring.main.web-application-type=reactive).");
                }
            }
        }
    }

    /**
     * The client. An {@link InvalidationBus} bean (the application's own, or the Redis one of
     * {@code query-cache.cluster.redis.enabled}) becomes its bus, and every {@link FetchObserver} bean observes
     * its fetches (in {@code @Order}); {@link QueryClientCustomizer}s run last and may change both. With
     * WebFlux present, errored entries keep a light copy of a WebClient response error ({@code WebClientErrors}).
     */
    private static final String WEB_CLIENT_ERROR =
            "org.springframework.web.reactive.function.client.WebClientResponseException";

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    QueryClient queryClient(ListableBeanFactory beanFactory, QueryCacheProperties properties,
                            ObjectProvider<QueryClientCustomizer> customizers, ObjectProvider<InvalidationBus> buses,
                            ObjectProvider<FetchObserver> observers, ObjectProvider<dev.querycache.spi.SharedLevel> levels,
                            ObjectProvider<dev.querycache.spi.FetchTracing> tracings,
                            org.springframework.core.env.Environment environment) {
        if (properties.getCluster().getShared().isEnabled() && !properties.getCluster().getRedis().isEnabled()) {
            throw new QueryCacheConfigurationException("query-cache.cluster.shared.enabled=true needs "
                    + "query-cache.cluster.redis.enabled=true, which is not set: the shared level runs on the cluster's Redis",
                    "Set query-cache.cluster.redis.enabled=true (with spring.data.redis.*), or remove "
                            + "query-cache.cluster.shared.enabled.", null);
        }
        List<QueryClientCustomizer> all = new ArrayList<>();
        levels.ifUnique(level -> all.add(builder -> builder.sharedLevel(level)));
        if (org.springframework.util.ClassUtils.isPresent(WEB_CLIENT_ERROR, QueryCacheAutoConfiguration.class.getClassLoader())) {
            all.add(builder -> builder.storedErrors(WebClientErrors::compact));   // errored entries stay light
        }
        buses.ifUnique(bus -> all.add(builder -> builder.invalidationBus(bus)));
        observers.orderedStream().forEach(observer -> all.add(builder -> builder.fetchObserver(observer)));
        tracings.ifUnique(tracing -> all.add(builder -> builder.fetchTracing(tracing)));
        all.addAll(customizers.orderedStream().toList());
        return new QueryClientFactory(beanFactory, properties, environment).create(all);
    }

    @Bean
    @ConfigurationPropertiesBinding
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static NeverDurationConverter queryCacheNeverDurationConverter() {
        return new NeverDurationConverter();
    }

    @Bean
    @ConditionalOnMissingBean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static InvalidatesTagsPostProcessor invalidatesTagsPostProcessor(ObjectProvider<QueryClient> client) {
        return new InvalidatesTagsPostProcessor(client);
    }
}
