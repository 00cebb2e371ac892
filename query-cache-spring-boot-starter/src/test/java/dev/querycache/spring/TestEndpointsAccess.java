package dev.querycache.spring;

import dev.querycache.spring.TestEndpoints.PokemonByName;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Exposes the package-private test endpoints to tests in other packages. */
public final class TestEndpointsAccess {

    private TestEndpointsAccess() {
    }

    @Configuration(proxyBeanMethods = false)
    public static class PokemonConfig {
        @Bean
        PokemonByName pokemonByName() {
            return new PokemonByName();
        }
    }

    /** Fetches made by the context's PokemonByName bean. */
    public static int calls(ApplicationContext ctx) {
        return ctx.getBean(PokemonByName.class).calls.get();
    }
}
