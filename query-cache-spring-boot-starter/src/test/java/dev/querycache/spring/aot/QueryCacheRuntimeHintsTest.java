package dev.querycache.spring.aot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.InfiniteQueryFetcher;
import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import dev.querycache.spring.InvalidatesTags;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import reactor.core.publisher.Mono;

/** The starter's runtime hints, as Spring AOT loads them from aot.factories, checked with RuntimeHintsPredicates. */
class QueryCacheRuntimeHintsTest {

    public record Stats(int hp, int attack) {
    }

    public record Pokemon(String name, List<String> types, Stats stats) {
    }

    public record Favourite(String trainer, String pokemon) {
    }

    public record Page(List<Integer> items) {
    }

    @QueryEndpoint(name = "pokemonByName")
    public static class PokemonByName implements QueryFetcher<String, Pokemon> {
        @Override
        public Mono<Pokemon> fetch(String name) {
            return Mono.empty();
        }
    }

    public static class Catalogue implements InfiniteQueryFetcher<String, Long, Page> {
        @Override
        public Long initialPageParam() {
            return 0L;
        }

        @Override
        public Mono<Page> fetchPage(String arg, Long param) {
            return Mono.empty();
        }

        @Override
        public Long getNextPageParam(Page lastPage, List<Page> allPages, Long lastPageParam, List<Long> allPageParams) {
            return null;
        }
    }

    public static class FavouriteService {
        @InvalidatesTags(type = "Favourite", id = "#favourite.pokemon")
        public Mono<Void> add(Favourite favourite) {
            return Mono.empty();
        }
    }

    @Test
    void theResourcesAndAnnotationsTheStarterReadsAreRegistered() {
        RuntimeHints hints = new RuntimeHints();
        AotServices.factories().load(RuntimeHintsRegistrar.class).stream()
                .filter(r -> r instanceof QueryCacheRuntimeHints)
                .findFirst().orElseThrow(() -> new AssertionError("QueryCacheRuntimeHints is not in aot.factories"))
                .registerHints(hints, getClass().getClassLoader());
        for (String resource : QueryCacheRuntimeHints.RESOURCES) {
            assertThat(RuntimeHintsPredicates.resource().forResource(resource)).as(resource).accepts(hints);
            assertThat(getClass().getClassLoader().getResource(resource)).as("%s exists", resource).isNotNull();
        }
        assertThat(RuntimeHintsPredicates.reflection().onType(QueryEndpoint.class)).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onType(InvalidatesTags.class)).accepts(hints);
    }

    @Test
    void theApplicationsEndpointTypesAndInvalidatesTagsTargetsAreRegistered() {
        DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
        beanFactory.registerBeanDefinition("pokemonByName", new RootBeanDefinition(PokemonByName.class));
        beanFactory.registerBeanDefinition("catalogue", new RootBeanDefinition(Catalogue.class));
        beanFactory.registerBeanDefinition("favourites", new RootBeanDefinition(FavouriteService.class));
        BeanFactoryInitializationAotProcessor processor = AotServices.factories()
                .load(BeanFactoryInitializationAotProcessor.class).stream()
                .filter(p -> p instanceof QueryEndpointTypesAotProcessor).findFirst()
                .orElseThrow(() -> new AssertionError("QueryEndpointTypesAotProcessor is not in aot.factories"));
        BeanFactoryInitializationAotContribution contribution = processor.processAheadOfTime(beanFactory);
        assertThat(contribution).isNotNull();
        DefaultGenerationContext generation = new DefaultGenerationContext(new ClassNameGenerator(
                org.springframework.javapoet.ClassName.get(getClass())), new InMemoryGeneratedFiles());
        contribution.applyTo(generation, null);
        RuntimeHints hints = generation.getRuntimeHints();

        assertThat(RuntimeHintsPredicates.reflection().onType(PokemonByName.class)).as("the fetcher's declared types").accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onType(Catalogue.class)).accepts(hints);
        // JSON binding of what the fetchers declare, nested types included
        assertThat(RuntimeHintsPredicates.reflection().onType(Pokemon.class)).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onType(Stats.class)).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onType(Page.class)).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Pokemon.class, "name")).accepts(hints);
        // what @InvalidatesTags' SpEL reads
        assertThat(RuntimeHintsPredicates.reflection().onType(Favourite.class)).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Favourite.class, "pokemon")).accepts(hints);
    }
}
