package dev.querycache.spring;

import dev.querycache.QueryClient;

/**
 * Tunes the auto-configured {@link QueryClient} before it is built: add endpoints that are not beans,
 * set a scheduler, add fetch observers. Beans of this type are applied in {@code @Order} order, after
 * the annotated endpoint beans and the properties.
 */
@FunctionalInterface
public interface QueryClientCustomizer {

    void customize(QueryClient.Builder builder);
}
