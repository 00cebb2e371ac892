package dev.querycache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import dev.querycache.spring.TestEndpoints.NotAFetcher;
import dev.querycache.spring.TestEndpoints.PokemonByName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import reactor.core.publisher.Mono;

class StartupFailureTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(QueryCacheAutoConfiguration.class));

    @Test
    void anAnnotatedBeanThatIsNoFetcherFailsNamingTheBean() {
        runner.withUserConfiguration(NotAFetcherConfig.class).run(ctx -> {
            QueryCacheConfigurationException ex = failure(ctx);
            assertThat(ex.getMessage()).contains("'notAFetcher'", "@QueryEndpoint", "QueryFetcher");
        });
    }

    @Test
    void twoEndpointsWithOneNameFailNamingBothBeans() {
        runner.withUserConfiguration(DuplicateConfig.class).run(ctx ->
                assertThat(failure(ctx).getMessage()).contains("'first'", "'second'", "'pokemon'"));
    }

    /** The application's package holds a {@code @QueryEndpoint} class that is no bean. */
    @Configuration(proxyBeanMethods = false)
    @org.springframework.boot.autoconfigure.AutoConfigurationPackage(basePackages = "dev.querycache.spring.notabean")
    static class ForgottenBeanConfig {
    }

    @Test
    void anEndpointsPropertyNamingAnAnnotatedClassThatIsNoBeanSaysSo() {
        runner.withUserConfiguration(ForgottenBeanConfig.class, OneEndpointConfig.class)
                .withPropertyValues("query-cache.endpoints.forgottenFetcher.stale-time=5s")
                .run(ctx -> {
                    QueryCacheConfigurationException ex = failure(ctx);
                    assertThat(ex.getMessage()).contains("query-cache.endpoints.forgottenFetcher")
                            .contains("dev.querycache.spring.notabean.ForgottenFetcher").contains("not a bean");
                    assertThat(ex.getAction()).contains("@Component").contains("@Bean");
                });
    }

    @Test
    void anEndpointsPropertyNamingNoEndpointFails() {
        runner.withUserConfiguration(OneEndpointConfig.class)
                .withPropertyValues("query-cache.endpoints.pokemonByNmae.stale-time=5s")
                .run(ctx -> assertThat(failure(ctx).getMessage())
                        .contains("query-cache.endpoints.pokemonByNmae").contains("pokemonByName"));
    }

    @Test
    void aNegativeDurationFailsNamingTheProperty() {
        runner.withUserConfiguration(OneEndpointConfig.class)
                .withPropertyValues("query-cache.endpoints.pokemonByName.keep-unused-data-for=-5s")
                .run(ctx -> assertThat(failure(ctx).getMessage())
                        .contains("query-cache.endpoints.pokemonByName.keep-unused-data-for"));
    }

    @Test
    void anUnparseableDurationFailsNamingTheProperty() {
        runner.withUserConfiguration(OneEndpointConfig.class)
                .withPropertyValues("query-cache.defaults.fetch-timeout=soon")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(allMessages(ctx.getStartupFailure())).contains("query-cache.defaults.fetch-timeout");
                });
    }

    @Test
    void aNegativeMaxPagesFailsNamingTheProperty() {
        runner.withUserConfiguration(OneEndpointConfig.class)
                .withPropertyValues("query-cache.defaults.max-pages=-1")
                .run(ctx -> assertThat(failure(ctx).getMessage()).contains("query-cache.defaults.max-pages"));
    }

    @Test
    void aBadAnnotationDurationFailsNamingTheBeanAndTheAttribute() {
        runner.withUserConfiguration(BadAnnotationConfig.class).run(ctx ->
                assertThat(failure(ctx).getMessage()).contains("'badTimer'", "keepUnusedDataFor", "whenever"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"query-cache.defaults.fetch-timeout=soon",
            "query-cache.defaults.keep-unused-data-for=whenever", "query-cache.endpoints.pokemonByName.stale-time=5 minutes"})
    void aBadDurationIsReportedInPlainWordsWithTheAcceptedFormats(String property) {
        runner.withUserConfiguration(OneEndpointConfig.class).withPropertyValues(property).run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(org.springframework.core.annotation.OrderUtils.getOrder(QueryCacheBindFailureAnalyzer.class, 0))
                    .as("ours runs before Spring Boot's bind failure analyzer")
                    .isEqualTo(org.springframework.core.Ordered.HIGHEST_PRECEDENCE);
            FailureAnalysis analysis = new QueryCacheBindFailureAnalyzer().analyze(ctx.getStartupFailure());
            assertThat(analysis).isNotNull();
            String key = property.substring(0, property.indexOf('='));
            assertThat(analysis.getDescription().toLowerCase()).contains("'" + key.toLowerCase() + "'");
            assertThat(analysis.getDescription()).contains("500ms, 60s").contains("PT2M")
                    .contains("never").doesNotContain("NeverAllowed").doesNotContain("@");
        });
    }

    @Test
    void theFailureAnalyzerReportsDescriptionAndAction() {
        runner.withUserConfiguration(NotAFetcherConfig.class).run(ctx -> {
            FailureAnalysis analysis = new QueryCacheFailureAnalyzer().analyze(ctx.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("'notAFetcher'");
            assertThat(analysis.getAction()).contains("Implement QueryFetcher");
        });
    }

    @Test
    void theFailureAnalyzerIsRegistered() throws Exception {
        try (var in = getClass().getClassLoader().getResourceAsStream("META-INF/spring.factories")) {
            assertThat(new String(in.readAllBytes())).contains(QueryCacheFailureAnalyzer.class.getName())
                    .contains(QueryCacheBindFailureAnalyzer.class.getName());
        }
    }

    private static QueryCacheConfigurationException failure(AssertableApplicationContext ctx) {
        assertThat(ctx).hasFailed();
        Throwable t = ctx.getStartupFailure();
        while (t != null && !(t instanceof QueryCacheConfigurationException)) {
            t = t.getCause();
        }
        assertThat(t).as("a QueryCacheConfigurationException in %s", ctx.getStartupFailure()).isNotNull();
        return (QueryCacheConfigurationException) t;
    }

    private static String allMessages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb + String.valueOf(NestedExceptionUtils.getMostSpecificCause(t));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "query-cache.endpoints.pokemonByName.stale-tme=5s | query-cache.endpoints.pokemonByName.stale-time",
            "query-cache.defaults.keep-unused-for=5s          | query-cache.defaults.keep-unused-data-for",
            "query-cache.devtool.enabled=true                 | query-cache.devtools.enabled",
            "query-cache.web.prefetchabel=pokemon             | query-cache.web.prefetchable",
            "query-cache.maximumSize2=3                       | query-cache.maximum-size"})
    void aMisspeltPropertyFailsNamingItAndTheNearestValidOne(String property, String nearest) {
        runner.withUserConfiguration(OneEndpointConfig.class).withPropertyValues(property).run(ctx -> {
            String key = property.substring(0, property.indexOf('='));
            assertThat(failure(ctx).getMessage()).contains("is not a query-cache property")
                    .contains("'" + nearest + "'").as("named as written").contains("Property '" + key + "'");
        });
    }

    @Test
    void everyValidPropertyStartsFineInRelaxedForms() {
        runner.withUserConfiguration(OneEndpointConfig.class).withPropertyValues(
                "query-cache.maximum-size=5", "query-cache.defaults.keepUnusedDataFor=5s",
                "query-cache.endpoints.pokemonByName.stale-time=1m", "query-cache.endpoints.pokemonByName.maximum-size=3",
                "query-cache.web.prefetchable[0]=pokemonByName", "query-cache.web.budget.per-client-rate=3",
                "query-cache.cluster.redis.enabled=false", "query-cache.persistence.max-file-size=1MB")
                .run(ctx -> assertThat(ctx).hasNotFailed());
    }

    @QueryEndpoint
    static class Outer {
        @QueryEndpoint
        static class Inner implements QueryFetcher<String, String> {
            @Override
            public Mono<String> fetch(String arg) {
                return Mono.just(arg);
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class DottedConfig {
        @Bean("outer.Inner")
        Outer.Inner inner() {
            return new Outer.Inner();
        }
    }

    @Test
    void aDottedEndpointNameWorksInBracketsAndIsRefusedClearlyWithout() {
        runner.withUserConfiguration(DottedConfig.class)
                .withPropertyValues("query-cache.endpoints.[outer.Inner].stale-time=5s")
                .run(ctx -> assertThat(ctx).hasNotFailed());
        runner.withUserConfiguration(DottedConfig.class)
                .withPropertyValues("query-cache.endpoints.outer.Inner.stale-time=5s")
                .run(ctx -> assertThat(failure(ctx).getAction()).contains("[outer.Inner]"));
    }

    @Configuration(proxyBeanMethods = false)
    static class NotAFetcherConfig {
        @Bean
        NotAFetcher notAFetcher() {
            return new NotAFetcher();
        }
    }

    @QueryEndpoint(name = "pokemon")
    static class Named implements QueryFetcher<String, String> {
        @Override
        public Mono<String> fetch(String arg) {
            return Mono.just(arg);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class DuplicateConfig {
        @Bean
        Named first() {
            return new Named();
        }

        @Bean
        Named second() {
            return new Named();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OneEndpointConfig {
        @Bean
        PokemonByName pokemonByName() {
            return new PokemonByName();
        }
    }

    @QueryEndpoint(keepUnusedDataFor = "whenever")
    static class BadTimer implements QueryFetcher<String, String> {
        @Override
        public Mono<String> fetch(String arg) {
            return Mono.just(arg);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class BadAnnotationConfig {
        @Bean
        BadTimer badTimer() {
            return new BadTimer();
        }
    }
}
