package dev.querycache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.EndpointOptions;
import dev.querycache.QueryClient;
import dev.querycache.QueryStatus;
import dev.querycache.spring.TestEndpoints.Catalogue;
import dev.querycache.spring.TestEndpoints.PokemonByName;
import dev.querycache.spring.TestEndpoints.PokemonTypes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

class QueryCacheAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(QueryCacheAutoConfiguration.class));

    @Test
    void createsTheClientFromEveryAnnotatedEndpointBean() {
        runner.withUserConfiguration(EndpointsConfig.class).run(ctx -> {
            assertThat(ctx).hasSingleBean(QueryClient.class);
            QueryClient client = ctx.getBean(QueryClient.class);
            assertThat(client.inspector().endpointNames()).containsExactlyInAnyOrder("pokemonByName", "types", "catalogue");
            assertThat(client.endpoint(PokemonByName.class).query("pikachu").block()).isEqualTo("pikachu#1");
            assertThat(client.infiniteEndpoint(Catalogue.class).fetchNextPage("all").block().pages())
                    .containsExactly(List.of(0, 1));
        });
    }

    @Test
    void theEndpointNameDefaultsToTheBeanName() {
        runner.withUserConfiguration(RenamedBeanConfig.class).run(ctx ->
                assertThat(ctx.getBean(QueryClient.class).inspector().endpointNames()).containsExactly("pikachuFetcher"));
    }

    @Test
    void backsOffWhenTheApplicationDefinesAQueryClient() {
        runner.withUserConfiguration(EndpointsConfig.class, UserClientConfig.class).run(ctx -> {
            assertThat(ctx).hasSingleBean(QueryClient.class);
            assertThat(ctx.getBean(QueryClient.class).inspector().endpointNames()).containsExactly("mine");
        });
    }

    @Test
    void appliesCustomizersInOrder() {
        runner.withUserConfiguration(CustomizerConfig.class).run(ctx -> {
            assertThat(ctx.getBean("order", List.class)).containsExactly("first", "second");
            assertThat(ctx.getBean(QueryClient.class).inspector().endpointNames()).containsExactly("fromCustomizer");
        });
    }

    @Test
    void closesTheClientWhenTheContextCloses() {
        AtomicBoolean completed = new AtomicBoolean();
        runner.withUserConfiguration(EndpointsConfig.class).run(ctx ->
                ctx.getBean(QueryClient.class).events().subscribe(e -> { }, e -> { }, () -> completed.set(true)));
        // events reach listeners on a worker of their own: the completion too
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilTrue(completed);
    }

    @Test
    void isSwitchedOffByProperty() {
        runner.withUserConfiguration(EndpointsConfig.class).withPropertyValues("query-cache.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(QueryClient.class));
    }

    @Test
    void endpointPropertiesBeatTheAnnotationWhichBeatsTheDefaults() {
        // PokemonByName's annotation says keepUnusedDataFor=2s; defaults say 1s and staleTime 500ms.
        runner.withUserConfiguration(EndpointsConfig.class, VirtualTimeConfig.class)
                .withPropertyValues("query-cache.defaults.keep-unused-data-for=1s",
                        "query-cache.defaults.stale-time=500ms",
                        "query-cache.endpoints.types.keep-unused-data-for=3s")
                .run(ctx -> {
                    QueryClient client = ctx.getBean(QueryClient.class);
                    VirtualTimeScheduler clock = ctx.getBean(VirtualTimeScheduler.class);
                    client.endpoint("pokemonByName").query("a").block();
                    client.endpoint("types").query(null).block();
                    client.infiniteEndpoint("catalogue").query("x").block();
                    clock.advanceTimeBy(Duration.ofMillis(500));
                    assertThat(client.endpoint("pokemonByName").state("a").isStale()).as("defaults fill in staleTime").isTrue();
                    clock.advanceTimeBy(Duration.ofMillis(500));
                    assertThat(client.infiniteEndpoint("catalogue").state("x").status()).as("defaults: 1s").isEqualTo(QueryStatus.UNINITIALIZED);
                    assertThat(client.endpoint("pokemonByName").state("a").status()).isEqualTo(QueryStatus.SUCCESS);
                    clock.advanceTimeBy(Duration.ofSeconds(1));
                    assertThat(client.endpoint("pokemonByName").state("a").status()).as("annotation: 2s").isEqualTo(QueryStatus.UNINITIALIZED);
                    assertThat(client.endpoint("types").state(null).status()).isEqualTo(QueryStatus.SUCCESS);
                    clock.advanceTimeBy(Duration.ofSeconds(1));
                    assertThat(client.endpoint("types").state(null).status()).as("property: 3s").isEqualTo(QueryStatus.UNINITIALIZED);
                });
    }

    @Test
    void theScopePropertyMakesAnEndpointPerCaller() {
        runner.withUserConfiguration(EndpointsConfig.class)
                .withPropertyValues("query-cache.endpoints.pokemonByName.scope=PRINCIPAL")
                .run(ctx -> {
                    QueryClient client = ctx.getBean(QueryClient.class);
                    assertThat(client.inspector().scope("pokemonByName")).isEqualTo(dev.querycache.QueryScope.PRINCIPAL);
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.endpoint("pokemonByName").query("a").block())
                            .hasMessageContaining("'pokemonByName'").hasMessageContaining("PRINCIPAL");
                    assertThat(client.endpoint("pokemonByName").query("a")
                            .contextWrite(dev.querycache.QueryScopes.withPrincipal("ash")).block()).isEqualTo("a#1");
                });
    }

    @Test
    void propertiesAcceptNever() {
        runner.withUserConfiguration(EndpointsConfig.class, VirtualTimeConfig.class)
                .withPropertyValues("query-cache.endpoints.pokemonByName.keep-unused-data-for=never")
                .run(ctx -> {
                    QueryClient client = ctx.getBean(QueryClient.class);
                    assertThat(ctx.getBean(QueryCacheProperties.class).getEndpoints().get("pokemonByName")
                            .getKeepUnusedDataFor()).isEqualTo(EndpointOptions.NEVER);
                    client.endpoint("pokemonByName").query("a").block();
                    ctx.getBean(VirtualTimeScheduler.class).advanceTimeBy(Duration.ofDays(400));
                    assertThat(client.endpoint("pokemonByName").state("a").status()).isEqualTo(QueryStatus.SUCCESS);
                });
    }

    @Test
    void bindsEveryPropertyListedInTheContract() {
        runner.withPropertyValues("query-cache.maximum-size=5", "query-cache.defaults.retries=2",
                        "query-cache.defaults.retry-backoff=50ms", "query-cache.defaults.fetch-timeout=5s",
                        "query-cache.defaults.max-pages=4", "query-cache.defaults.refetch-cached-pages=false",
                        "query-cache.defaults.stale-while-revalidate=true", "query-cache.web.enabled=true",
                        "query-cache.web.base-path=/q", "query-cache.web.prefetchable=a,b",
                        "query-cache.web.max-body-size=8KB", "query-cache.devtools.enabled=true",
                        "query-cache.persistence.enabled=true", "query-cache.spring-cache.enabled=false")
                .run(ctx -> {
                    QueryCacheProperties p = ctx.getBean(QueryCacheProperties.class);
                    assertThat(p.getMaximumSize()).isEqualTo(5);
                    assertThat(p.getDefaults().getRetries()).isEqualTo(2);
                    assertThat(p.getDefaults().getRetryBackoff()).isEqualTo(Duration.ofMillis(50));
                    assertThat(p.getDefaults().getFetchTimeout()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(p.getDefaults().getMaxPages()).isEqualTo(4);
                    assertThat(p.getDefaults().getRefetchCachedPages()).isFalse();
                    assertThat(p.getDefaults().getStaleWhileRevalidate()).isTrue();
                    assertThat(p.getWeb().isEnabled()).isTrue();
                    assertThat(p.getWeb().getBasePath()).isEqualTo("/q");
                    assertThat(p.getWeb().getPrefetchable()).containsExactly("a", "b");
                    assertThat(p.getWeb().getMaxBodySize().toKilobytes()).isEqualTo(8);
                    assertThat(p.getDevtools().isEnabled()).isTrue();
                    assertThat(p.getPersistence().isEnabled()).isTrue();
                });
    }

    @Test
    void theJarCarriesConfigurationMetadataForEveryProperty() throws Exception {
        try (var in = getClass().getClassLoader().getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            String json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(json).contains("\"query-cache.enabled\"", "\"query-cache.maximum-size\"",
                    "\"query-cache.defaults.keep-unused-data-for\"", "\"query-cache.endpoints\"",
                    "\"query-cache.web.base-path\"", "\"query-cache.devtools.enabled\"",
                    "\"query-cache.persistence.enabled\"", "\"query-cache.spring-cache.enabled\"",
                    "Whether to auto-configure the QueryClient.", "query-cache.endpoints.keys");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class EndpointsConfig {
        @Bean
        PokemonByName pokemonByName() {
            return new PokemonByName();
        }

        @Bean
        PokemonTypes pokemonTypes() {
            return new PokemonTypes();
        }

        @Bean
        Catalogue catalogue() {
            return new Catalogue();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class RenamedBeanConfig {
        @Bean
        PokemonByName pikachuFetcher() {
            return new PokemonByName();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserClientConfig {
        @Bean
        QueryClient myClient() {
            return QueryClient.builder().endpoint("mine", Mono::just, EndpointOptions.none()).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class VirtualTimeConfig {
        @Bean
        VirtualTimeScheduler virtualTimeScheduler() {
            return VirtualTimeScheduler.create();
        }

        @Bean
        QueryClientCustomizer virtualTime(VirtualTimeScheduler scheduler) {
            return builder -> builder.scheduler(scheduler);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CustomizerConfig {
        @Bean
        List<String> order() {
            return new CopyOnWriteArrayList<>();
        }

        @Bean
        @Order(2)
        QueryClientCustomizer second(List<String> order) {
            return builder -> order.add("second");
        }

        @Bean
        @Order(1)
        QueryClientCustomizer first(List<String> order) {
            return builder -> {
                order.add("first");
                builder.endpoint("fromCustomizer", Mono::just, EndpointOptions.none());
            };
        }
    }
}
