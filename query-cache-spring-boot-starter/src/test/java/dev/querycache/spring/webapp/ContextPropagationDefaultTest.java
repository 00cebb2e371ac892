package dev.querycache.spring.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Context propagation through Boot's own setting: the starter makes {@code spring.reactor.context-propagation=auto}
 * the default (so scopes reach the synchronous code of handlers, {@code ScopesOnARealStackTest}); an application
 * that sets it otherwise keeps its value and is told at startup what no longer works.
 */
@ExtendWith(OutputCaptureExtension.class)
class ContextPropagationDefaultTest {

    private static ConfigurableApplicationContext start(String... properties) {
        return new SpringApplicationBuilder(WebTestApplication.class)
                .properties("server.port=0", "spring.main.banner-mode=off", "spring.jmx.enabled=false")
                .properties(properties)
                .run();
    }

    @Test
    void theStarterMakesAutoTheDefaultAndSaysNothing(CapturedOutput output) {
        try (ConfigurableApplicationContext ctx = start()) {
            assertThat(ctx.getEnvironment().getProperty("spring.reactor.context-propagation")).isEqualTo("auto");
            assertThat(output.getOut() + output.getErr()).doesNotContain("spring.reactor.context-propagation=");
        }
    }

    @Test
    void anApplicationThatSetsItOtherwiseKeepsItsValueAndIsToldWhatBreaks(CapturedOutput output) {
        try (ConfigurableApplicationContext ctx = start("spring.reactor.context-propagation=limited")) {
            assertThat(ctx.getEnvironment().getProperty("spring.reactor.context-propagation")).isEqualTo("limited");
            assertThat(output.getOut() + output.getErr())
                    .contains("spring.reactor.context-propagation=limited")
                    .contains("PRINCIPAL and REQUEST endpoints called synchronously inside a handler");
        }
    }
}
