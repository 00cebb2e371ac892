package dev.querycache.spring.web;

import dev.querycache.spring.state.DehydratedStateJson;
import dev.querycache.spring.state.QueryCacheStateAutoConfiguration;
import dev.querycache.QueryClient;
import dev.querycache.spring.QueryCacheAutoConfiguration;
import dev.querycache.spring.QueryCacheProperties;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The WebFlux side of query-cache: {@link RoutePreloads} run by a filter, HTTP prefetch and preload,
 * {@code preload.js} (with {@code query-cache.web.enabled=true}), devtools (with
 * {@code query-cache.devtools.enabled=true}); page states come from the {@link DehydratedStateJson} of
 * {@link QueryCacheStateAutoConfiguration}. Every bean backs off when the application defines its own (the
 * route functions and the route-preload filter by their names, {@code queryCacheWebRoutes},
 * {@code queryCacheDevtoolsRoutes}, {@code queryCacheRoutePreloadWebFilter}).
 */
@AutoConfiguration(after = {QueryCacheAutoConfiguration.class, QueryCacheStateAutoConfiguration.class},
        afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(JsonMapper.class)
@ConditionalOnBean(QueryClient.class)
public final class QueryCacheWebAutoConfiguration {

    private static JsonMapper mapper(ObjectProvider<JsonMapper> mapper) {
        return mapper.getIfAvailable(JsonMapper::new);
    }

    /** Caller and request scope for every WebFlux request: needed by PRINCIPAL and REQUEST endpoints. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(RouterFunction.class)
    static class ScopeConfiguration {

        private static final org.apache.commons.logging.Log log =
                org.apache.commons.logging.LogFactory.getLog(QueryScopeWebFilter.class);

        /**
         * The caller and the request reach the synchronous endpoint methods of a handler through Reactor's
         * automatic context propagation: Boot's {@code spring.reactor.context-propagation=auto}, which the
         * starter makes the default. Set otherwise, startup says what no longer works.
         */
        @Bean
        @ConditionalOnMissingBean
        QueryScopeWebFilter queryScopeWebFilter(org.springframework.core.env.Environment environment) {
            String mode = environment.getProperty("spring.reactor.context-propagation", "auto");
            if (!"auto".equalsIgnoreCase(mode.trim())) {
                log.warn("spring.reactor.context-propagation=" + mode + ": PRINCIPAL and REQUEST endpoints called "
                        + "synchronously inside a handler (prefetch, subscribe, invalidate, state, and code run on "
                        + "another thread of the chain) will not see the request's caller and fail with "
                        + "IllegalStateException; reactive query/watch still read the subscriber's Context, and query-cache's "
                        + "own HTTP paths (prefetch, preload, /q, single-flight writes) are unaffected. "
                        + "Remove the property (query-cache defaults it to auto) to restore them.");
            } else if (!org.springframework.util.ClassUtils.isPresent(
                    "org.springframework.boot.reactor.autoconfigure.ReactorAutoConfiguration", getClass().getClassLoader())) {
                reactor.core.publisher.Hooks.enableAutomaticContextPropagation();   // no Boot module to read the property
            }
            return new QueryScopeWebFilter();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(RouterFunction.class)
    @ConditionalOnBooleanProperty(name = "query-cache.web.enabled")
    static class WebConfiguration {

        @Bean
        @ConditionalOnMissingBean
        RoutePreloads routePreloads() {
            return RoutePreloads.none();
        }

        @Bean
        @ConditionalOnMissingBean(name = "queryCacheWebBudget")
        WebBudget queryCacheWebBudget(QueryClient client, QueryCacheProperties properties) {
            QueryCacheProperties.Budget b = properties.getWeb().getBudget();
            return new WebBudget(client, b.getPerClientRate(), b.getPerClientBurst(), b.getMaxNewEntriesPerEndpoint(),
                    b.getMaxNewEntriesPerClient(), System::nanoTime);
        }

        @Bean
        @ConditionalOnMissingBean(name = "queryCacheRoutePreloadWebFilter")
        org.springframework.web.server.WebFilter queryCacheRoutePreloadWebFilter(RoutePreloads routes, QueryClient client,
                                                              QueryCacheProperties properties, WebBudget budget) {
            return new RoutePreloadWebFilter(routes, client, properties.getWeb().getBasePath(), budget);
        }

        @Bean
        @ConditionalOnMissingBean(name = "queryCacheSingleFlightWebFilter")
        org.springframework.web.server.WebFilter queryCacheSingleFlightWebFilter(QueryClient client, RoutePreloads routes,
                                                                                DehydratedStateJson stateJson,
                                                                                QueryCacheProperties properties, WebBudget budget,
                                                                                InvalidationLog invalidationLog) {
            QueryCacheProperties.Web web = properties.getWeb();
            return new SingleFlightWebFilter(client, routes, stateJson, web.getStateFormat(), budget, web.getRefreshTimeout(),
                    invalidationLog);
        }

        @Bean
        @ConditionalOnMissingBean(name = "queryCacheInvalidationLog")
        InvalidationLog queryCacheInvalidationLog(QueryClient client, DehydratedStateJson stateJson,
                                                  QueryCacheProperties properties) {
            return new InvalidationLog(client, stateJson, properties.getWeb().getEventsReplay());
        }

        @Bean
        @ConditionalOnMissingBean(name = "queryCacheWebRoutes")
        RouterFunction<ServerResponse> queryCacheWebRoutes(QueryClient client, ObjectProvider<JsonMapper> mapper,
                                                           RoutePreloads routes, QueryCacheProperties properties,
                                                           WebBudget budget, InvalidationLog invalidationLog) {
            QueryCacheProperties.Web web = properties.getWeb();
            int maxBytes = (int) web.getMaxBodySize().toBytes();
            ExposedEndpoints exposed = new ExposedEndpoints(client, web.getPrefetchable());   // one allowlist for both
            PrefetchHandlers h = new PrefetchHandlers(client, mapper(mapper), maxBytes, exposed,
                    web.getMaxPrefetchPages(), routes, web.getBasePath(), budget);
            BrowserCacheHandlers b = new BrowserCacheHandlers(client, mapper(mapper), maxBytes, exposed, budget,
                    web.getEventsHeartbeat(), web.getBasePath(), invalidationLog);
            String base = web.getBasePath();
            return RouterFunctions.route()
                    .POST(base + "/prefetch", h::prefetch)
                    .POST(base + "/preload", h::preload)
                    .GET(base + "/preload.js", h::script)
                    .GET(base + "/q/{endpoint}", b::query)
                    .GET(base + "/events", b::events)
                    .GET(base + "/tanstack.js", b::script)
                    .GET(base + "/rtk.js", b::rtkScript)
                    .build();
        }
    }

    /**
     * Streamed pages ({@link StreamedPage}) with Thymeleaf's WebFlux integration: the result handler and the
     * {@code qc} dialect. On whenever both are on the classpath; they add no HTTP endpoint.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(name = "org.thymeleaf.spring6.ISpringWebFluxTemplateEngine")
    @ConditionalOnBean(DehydratedStateJson.class)
    static class StreamedPagesConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "queryCacheStreamedPageResultHandler")
        org.springframework.web.reactive.HandlerResultHandler queryCacheStreamedPageResultHandler(
                QueryClient client, DehydratedStateJson stateJson, QueryCacheProperties properties,
                ObjectProvider<org.springframework.web.reactive.result.view.ViewResolver> viewResolvers) {
            QueryCacheProperties.Web web = properties.getWeb();
            if (web.getStreamTimeout().isNegative() || web.getStreamTimeout().isZero()) {
                throw new dev.querycache.spring.QueryCacheConfigurationException(
                        "query-cache.web.stream-timeout must be positive, was " + web.getStreamTimeout(),
                        "Set query-cache.web.stream-timeout to how long a streamed page may wait for its queries, e.g. 10s.");
            }
            return new StreamedPageResultHandler(client, stateJson, web.getStateFormat(),
                    () -> viewResolvers.orderedStream().toList(), web.getStreamTimeout(), web.getCspNonceAttribute());
        }

        @Bean
        @ConditionalOnMissingBean(name = "queryCacheDialect")
        org.thymeleaf.dialect.IDialect queryCacheDialect(
                ObjectProvider<org.thymeleaf.spring6.ISpringWebFluxTemplateEngine> engine) {
            return new AwaitDialect(engine::getObject);
        }
    }

    /** The web budget's refusals as a Micrometer counter, {@code query.cache.web.refused} (tag {@code reason}). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnBooleanProperty(name = "query-cache.web.enabled")
    static class BudgetMetricsConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "queryCacheWebBudgetMetrics")
        io.micrometer.core.instrument.binder.MeterBinder queryCacheWebBudgetMetrics(ObjectProvider<WebBudget> budgets) {
            return registry -> budgets.ifAvailable(budget -> {
                io.micrometer.core.instrument.FunctionCounter.builder("query.cache.web.refused", budget,
                                WebBudget::refusedRate)
                        .tag("reason", "rate").description("HTTP prefetch/preload requests refused by the per-client rate")
                        .register(registry);
                io.micrometer.core.instrument.FunctionCounter.builder("query.cache.web.refused", budget,
                                WebBudget::refusedEntries)
                        .tag("reason", "entries").description("HTTP-created entries refused: the endpoint's pool was full and in use")
                        .register(registry);
                io.micrometer.core.instrument.FunctionCounter.builder("query.cache.web.discarded", budget,
                                WebBudget::discardedEntries)
                        .description("HTTP-created entries on probation dropped to make room for newer ones")
                        .register(registry);
            });
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(RouterFunction.class)
    @ConditionalOnBooleanProperty(name = "query-cache.devtools.enabled")
    static class DevtoolsConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "queryCacheDevtoolsFeed")
        DevtoolsFeed queryCacheDevtoolsFeed(QueryClient client, ObjectProvider<JsonMapper> mapper, QueryCacheProperties properties) {
            return new DevtoolsFeed(client, mapper(mapper), properties.getDevtools().getMaxViewers(), Duration.ofMillis(100));
        }

        @Bean
        @ConditionalOnMissingBean(name = "queryCacheDevtoolsRoutes")
        RouterFunction<ServerResponse> queryCacheDevtoolsRoutes(QueryClient client, ObjectProvider<JsonMapper> mapper,
                                                                QueryCacheProperties properties, DevtoolsFeed feed) {
            QueryCacheProperties.Web web = properties.getWeb();
            DevtoolsHandlers h = new DevtoolsHandlers(client, mapper(mapper), (int) web.getMaxBodySize().toBytes(),
                    web.getBasePath(), feed);
            String base = web.getBasePath() + "/devtools";
            return RouterFunctions.route()
                    .GET(base, h::page)
                    .GET(base + "/events", h::events)
                    .POST(base + "/refetch", h::refetch)
                    .POST(base + "/remove", h::remove)
                    .POST(base + "/invalidate", h::invalidate)
                    .build();
        }
    }
}
