package dev.querycache.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import dev.querycache.QueryStatus;
import dev.querycache.spring.QueryCacheAutoConfiguration;
import dev.querycache.spring.TestEndpointsAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A restarted application context starts warm from the persisted file. */
class PersistenceTest {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner(Path file) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(QueryCacheAutoConfiguration.class, QueryCacheWebAutoConfiguration.class))
                .withUserConfiguration(TestEndpointsAccess.PokemonConfig.class)
                .withPropertyValues("query-cache.persistence.file=" + file);
    }

    @Test
    void aRestartedContextStartsWarm() {
        Path file = dir.resolve("state.json");
        runner(file).run(ctx -> ctx.getBean(QueryClient.class).endpoint("pokemonByName").query("pikachu").block());
        assertThat(file).exists();
        assertThat(dir.toFile().list()).as("no temporary file left behind").containsExactly("state.json");

        runner(file).run(ctx -> {
            QueryClient client = ctx.getBean(QueryClient.class);
            assertThat(client.endpoint("pokemonByName").state("pikachu").status()).isEqualTo(QueryStatus.SUCCESS);
            assertThat(client.endpoint("pokemonByName").query("pikachu").block()).isEqualTo("pikachu#1");
            assertThat(TestEndpointsAccess.calls(ctx)).as("served from the persisted state, no fetch").isZero();
        });
    }

    @Test
    void aCorruptOrForeignFileIsIgnored() throws Exception {
        Path corrupt = dir.resolve("corrupt.json");
        Files.writeString(corrupt, "{\"queries\": [ {\"endpoint\": ");
        runner(corrupt).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(QueryClient.class).size()).isZero();
        });
        Path foreign = dir.resolve("foreign.json");
        Files.writeString(foreign, "{\"name\": \"something else\"}");
        runner(foreign).run(ctx -> assertThat(ctx).hasNotFailed());
    }

    @Test
    void noFileNoPersistence() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(QueryCacheAutoConfiguration.class, QueryCacheWebAutoConfiguration.class))
                .run(ctx -> assertThat(ctx).doesNotHaveBean(QueryCachePersistence.class).hasSingleBean(DehydratedStateJson.class));
    }
}
