package dev.querycache.spring;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The defaults query-cache contributes to Boot's own settings, below everything the application sets:
 * {@code spring.reactor.context-propagation=auto}, so that Boot's Reactor auto-configuration carries the
 * Reactor Context (the caller and the request of {@code PRINCIPAL} and {@code REQUEST} endpoints) into the
 * synchronous code of every handler. An application that sets it otherwise is told at startup what that
 * costs ({@code QueryScopeWebFilter}'s configuration logs it). Stateless.
 */
final class QueryCacheEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String CONTEXT_PROPAGATION = "spring.reactor.context-propagation";
    static final String SOURCE = "query-cache-defaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        // set anywhere (application.yml, the command line, SpringApplication's default properties): theirs
        if (!environment.containsProperty(CONTEXT_PROPAGATION) && !environment.getPropertySources().contains(SOURCE)) {
            environment.getPropertySources().addLast(new MapPropertySource(SOURCE, Map.of(CONTEXT_PROPAGATION, "auto")));
        }
    }
}
