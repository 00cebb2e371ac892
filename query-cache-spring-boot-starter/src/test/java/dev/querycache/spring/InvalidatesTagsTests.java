package dev.querycache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.querycache.Endpoint;
import dev.querycache.QueryClient;
import dev.querycache.QueryStatus;
import dev.querycache.spring.TestEndpoints.PokemonByName;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class InvalidatesTagsTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(QueryCacheAutoConfiguration.class))
            .withUserConfiguration(Config.class);

    /** A service whose mutations invalidate Pokemon tags. */
    public static class FavouriteService {
        @InvalidatesTags(type = "Pokemon", id = "#name")
        public String plain(String name) {
            return "ok";
        }

        @InvalidatesTags(type = "Pokemon", id = "#name")
        public void nothing(String name) {
        }

        @InvalidatesTags(type = "Pokemon", id = "#name")
        public String failing(String name) {
            throw new IllegalStateException("nope");
        }

        @InvalidatesTags(type = "Pokemon", id = "#name")
        public Mono<String> mono(String name, boolean fail) {
            return fail ? Mono.error(new IllegalStateException("nope")) : Mono.just("ok");
        }

        @InvalidatesTags(type = "Pokemon", id = "#name")
        public Mono<Void> emptyMono(String name) {
            return Mono.empty();
        }

        @InvalidatesTags(type = "Pokemon", id = "#name")
        public Flux<Integer> flux(String name, boolean fail) {
            return fail ? Flux.concat(Flux.just(1), Flux.error(new IllegalStateException("nope"))) : Flux.just(1, 2);
        }

        @InvalidatesTags(type = "Pokemon", id = "#name")
        public CompletionStage<String> stage(String name, CompletableFuture<String> outcome) {
            return outcome;
        }

        @InvalidatesTags(type = "Pokemon", id = "#first")
        @InvalidatesTags(type = "Pokemon", id = "#request.second()")
        public void both(String first, Pair request) {
        }

        @InvalidatesTags("Pokemon")
        public void everything() {
        }

        @InvalidatesTags(type = "Pokemon", id = "#request.missing()")
        public void nullId(NullablePair request) {
        }
    }

    public record NullablePair(String present) {
        public String missing() {
            return null;
        }
    }

    public static class MisspeltService {
        @InvalidatesTags(type = "Product", id = "#nme")
        public void rename(String name) {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class MisspeltConfig {
        @Bean
        MisspeltService misspeltService() {
            return new MisspeltService();
        }
    }

    public record Pair(String first, String second) {
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {
        @Bean
        PokemonByName pokemonByName() {
            return new PokemonByName();
        }

        @Bean
        FavouriteService favouriteService() {
            return new FavouriteService();
        }
    }

    private void check(Consumer<ApplicationContext> test) {
        runner.run(ctx -> test.accept(ctx));
    }

    private static Endpoint<String, String> pokemon(ApplicationContext ctx) {
        Endpoint<String, String> e = ctx.getBean(QueryClient.class).endpoint(PokemonByName.class);
        e.query("pikachu").block();
        e.query("eevee").block();
        return e;
    }

    private static boolean cached(Endpoint<String, String> e, String name) {
        return e.state(name).status() == QueryStatus.SUCCESS;
    }

    @Test
    void aPlainReturnInvalidatesAfterTheMethodReturns() {
        check(ctx -> {
            var e = pokemon(ctx);
            assertThat(ctx.getBean(FavouriteService.class).plain("pikachu")).isEqualTo("ok");
            assertThat(cached(e, "pikachu")).isFalse();
            assertThat(cached(e, "eevee")).isTrue();
        });
    }

    @Test
    void aVoidMethodInvalidates() {
        check(ctx -> {
            var e = pokemon(ctx);
            ctx.getBean(FavouriteService.class).nothing("pikachu");
            assertThat(cached(e, "pikachu")).isFalse();
        });
    }

    @Test
    void aThrowingMethodInvalidatesNothing() {
        check(ctx -> {
            var e = pokemon(ctx);
            assertThatThrownBy(() -> ctx.getBean(FavouriteService.class).failing("pikachu")).hasMessage("nope");
            assertThat(cached(e, "pikachu")).isTrue();
        });
    }

    @Test
    void aMonoInvalidatesWhenItCompletesAndNotOnError() {
        check(ctx -> {
            var e = pokemon(ctx);
            FavouriteService s = ctx.getBean(FavouriteService.class);
            Mono<String> pending = s.mono("pikachu", false);
            assertThat(cached(e, "pikachu")).as("not before the Mono completes").isTrue();
            assertThat(pending.block()).isEqualTo("ok");
            assertThat(cached(e, "pikachu")).isFalse();

            assertThatThrownBy(() -> s.mono("eevee", true).block()).hasMessage("nope");
            assertThat(cached(e, "eevee")).isTrue();
            s.emptyMono("eevee").block();
            assertThat(cached(e, "eevee")).as("an empty Mono is a success").isFalse();
        });
    }

    @Test
    void aFluxInvalidatesWhenItCompletesAndNotOnError() {
        check(ctx -> {
            var e = pokemon(ctx);
            FavouriteService s = ctx.getBean(FavouriteService.class);
            assertThatThrownBy(() -> s.flux("eevee", true).collectList().block()).hasMessage("nope");
            assertThat(cached(e, "eevee")).isTrue();
            assertThat(s.flux("pikachu", false).collectList().block()).containsExactly(1, 2);
            assertThat(cached(e, "pikachu")).isFalse();
        });
    }

    @Test
    void aCompletionStageInvalidatesWhenItCompletesNormally() {
        check(ctx -> {
            var e = pokemon(ctx);
            FavouriteService s = ctx.getBean(FavouriteService.class);
            CompletableFuture<String> ok = new CompletableFuture<>();
            CompletionStage<String> stage = s.stage("pikachu", ok);
            assertThat(cached(e, "pikachu")).isTrue();
            ok.complete("done");
            assertThat(stage.toCompletableFuture().join()).isEqualTo("done");
            assertThat(cached(e, "pikachu")).isFalse();

            CompletableFuture<String> bad = new CompletableFuture<>();
            s.stage("eevee", bad);
            bad.completeExceptionally(new IllegalStateException("nope"));
            assertThat(cached(e, "eevee")).isTrue();
        });
    }

    @Test
    void repeatedAnnotationsWithSpelOverParameters() {
        check(ctx -> {
            var e = pokemon(ctx);
            ctx.getBean(FavouriteService.class).both("pikachu", new Pair("x", "eevee"));
            assertThat(cached(e, "pikachu")).isFalse();
            assertThat(cached(e, "eevee")).isFalse();
        });
    }

    @Test
    void aTypeWithoutIdInvalidatesTheWholeType() {
        check(ctx -> {
            var e = pokemon(ctx);
            ctx.getBean(FavouriteService.class).everything();
            assertThat(cached(e, "pikachu")).isFalse();
            assertThat(cached(e, "eevee")).isFalse();
        });
    }

    /** The startup failure's {@link QueryCacheConfigurationException}, however deep Spring wrapped it. */
    private static QueryCacheConfigurationException configurationFailure(
            org.springframework.boot.test.context.assertj.AssertableApplicationContext ctx) {
        assertThat(ctx).hasFailed();
        Throwable root = ctx.getStartupFailure();
        while (root.getCause() != null && !(root instanceof QueryCacheConfigurationException)) {
            root = root.getCause();
        }
        assertThat(root).isInstanceOf(QueryCacheConfigurationException.class);
        return (QueryCacheConfigurationException) root;
    }

    @Test
    void anIdNamingNoParameterFailsStartupNamingTheBeanAndTheMethod() {
        runner.withUserConfiguration(MisspeltConfig.class).run(ctx -> {
            Throwable root = configurationFailure(ctx);
            assertThat(root)
                    .hasMessageContaining("MisspeltService.rename").hasMessageContaining("misspeltService")
                    .hasMessageContaining("#nme").hasMessageContaining("[name]");
        });
    }

    /**
     * Compiles {@code source} (class {@code name} in package {@code compiled}) the way a Maven build without
     * Boot's parent does: without {@code -parameters}, so the class file keeps no parameter names.
     */
    private static Class<?> compileWithoutParameterNames(String name, String source) throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("no-parameters");
        java.nio.file.Path file = dir.resolve("compiled").resolve(name + ".java");
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.writeString(file, source);
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-classpath", System.getProperty("java.class.path"),
                "-d", dir.toString(), file.toString());
        assertThat(rc).as("javac").isZero();
        java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()},
                InvalidatesTagsTests.class.getClassLoader());
        Class<?> type = loader.loadClass("compiled." + name);
        assertThat(type.getMethods()[0].getDeclaringClass()).isNotNull();
        assertThat(java.util.Arrays.stream(type.getDeclaredMethods()).flatMap(m -> java.util.Arrays.stream(m.getParameters()))
                .noneMatch(java.lang.reflect.Parameter::isNamePresent)).as("no parameter names in the class file").isTrue();
        return type;
    }

    @Test
    void anIdNamingAParameterOfCodeCompiledWithoutParameterNamesFailsStartupSayingWhatToDo() throws Exception {
        Class<?> type = compileWithoutParameterNames("RenameService", """
                package compiled;
                public class RenameService {
                    @dev.querycache.spring.InvalidatesTags(type = "Pokemon", id = "#name")
                    public void rename(String name) {
                    }
                }
                """);
        runner.withBean("renameService", Object.class, () -> newInstance(type)).run(ctx -> {
            Throwable root = configurationFailure(ctx);
            assertThat(root)
                    .hasMessageContaining("RenameService.rename").hasMessageContaining("renameService")
                    .hasMessageContaining("#name").hasMessageContaining("without parameter names");
            assertThat(((QueryCacheConfigurationException) root).getAction()).contains("-parameters").contains("#p0");
        });
    }

    @Test
    void codeCompiledWithoutParameterNamesInvalidatesThroughP0() throws Exception {
        Class<?> type = compileWithoutParameterNames("ByIndexService", """
                package compiled;
                public class ByIndexService implements java.util.function.Consumer<String> {
                    @dev.querycache.spring.InvalidatesTags(type = "Pokemon", id = "#p0")
                    public void accept(String name) {
                    }
                }
                """);
        runner.withBean("byIndexService", Object.class, () -> newInstance(type)).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            Endpoint<String, String> e = pokemon(ctx);
            @SuppressWarnings("unchecked")
            java.util.function.Consumer<String> service = (java.util.function.Consumer<String>) ctx.getBean("byIndexService");
            service.accept("pikachu");   // through the proxy (an interface proxy: the class lives in a loader of its own)
            assertThat(cached(e, "pikachu")).isFalse();
            assertThat(cached(e, "eevee")).isTrue();
        });
    }

    private static Object newInstance(Class<?> type) {
        try {
            return type.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anIdThatEvaluatesToNullInvalidatesNothing() {
        check(ctx -> {
            var e = pokemon(ctx);
            ctx.getBean(FavouriteService.class).nullId(new NullablePair("x"));
            assertThat(cached(e, "pikachu")).as("never the whole type").isTrue();
            assertThat(cached(e, "eevee")).isTrue();
        });
    }
}
