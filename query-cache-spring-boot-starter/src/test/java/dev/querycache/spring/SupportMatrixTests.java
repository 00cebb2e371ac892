package dev.querycache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.querycache.QueryClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** What the starter supports, and what it says at startup when it is used elsewhere. */
class SupportMatrixTests {

    private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(QueryCacheAutoConfiguration.class))
            .withUserConfiguration(TestEndpointsAccess.PokemonConfig.class);

    @Test
    void onASpringMvcApplicationTheCoreWorks() {
        servlet.run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(QueryClient.class).endpoint("pokemonByName").query("pikachu").block())
                    .isEqualTo("pikachu#1");
        });
    }

    @Test
    void onASpringMvcApplicationTheWebLayerOrDevtoolsFailStartupSayingWhy() {
        for (String property : new String[] {"query-cache.web.enabled=true", "query-cache.devtools.enabled=true"}) {
            servlet.withPropertyValues(property).run(ctx -> {
                assertThat(ctx).hasFailed();
                Throwable t = ctx.getStartupFailure();
                while (t != null && !(t instanceof QueryCacheConfigurationException)) {
                    t = t.getCause();
                }
                assertThat(t).isNotNull().hasMessageContaining("Spring MVC").hasMessageContaining("WebFlux")
                        .hasMessageContaining(property.substring(0, property.indexOf('=')));
            });
        }
    }

    @Test
    void springBoot3IsRefusedNamingTheSupportedVersions() {
        assertThatThrownBy(() -> QueryCacheAutoConfiguration.checkSupported("3.5.7"))
                .isInstanceOf(QueryCacheConfigurationException.class)
                .hasMessageContaining("3.5.7").hasMessageContaining("Spring Boot 4");
        assertThatCode(() -> QueryCacheAutoConfiguration.checkSupported("4.1.1")).doesNotThrowAnyException();
        assertThatCode(() -> QueryCacheAutoConfiguration.checkSupported(org.springframework.boot.SpringBootVersion.getVersion()))
                .doesNotThrowAnyException();
    }
}
