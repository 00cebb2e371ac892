package dev.querycache.spring.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryClient;
import dev.querycache.QueryStatus;
import dev.querycache.spring.QueryCacheAutoConfiguration;
import dev.querycache.spring.TestEndpointsAccess;
import dev.querycache.spring.state.DehydratedStateJson;
import dev.querycache.spring.web.QueryCacheWebAutoConfiguration;
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
                .withConfiguration(AutoConfigurations.of(QueryCacheAutoConfiguration.class,
                        dev.querycache.spring.state.QueryCacheStateAutoConfiguration.class,
                        dev.querycache.spring.persistence.QueryCachePersistenceAutoConfiguration.class,
                        QueryCacheWebAutoConfiguration.class))
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
            assertThat(ctx.getBean(QueryClient.class).inspector().size()).isZero();
        });
        Path foreign = dir.resolve("foreign.json");
        Files.writeString(foreign, "{\"name\": \"something else\"}");
        runner(foreign).run(ctx -> assertThat(ctx).hasNotFailed());
    }

    @Test
    void aFileOverMaxFileSizeIsNeverReadAndStartUpGoesOn() throws Exception {
        Path file = dir.resolve("state.json");
        runner(file).run(ctx -> ctx.getBean(QueryClient.class).endpoint("pokemonByName").query("pikachu").block());
        long size = Files.size(file);
        Path copy = Files.copy(file, dir.resolve("copy.json"));
        runner(file).withPropertyValues("query-cache.persistence.max-file-size=" + (size - 1) + "B").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(QueryClient.class).inspector().size()).as("an oversized state file is ignored").isZero();
        });
        try (var files = Files.list(dir)) {
            Path aside = files.filter(f -> f.getFileName().toString().startsWith("state.json.unreadable-")).findFirst()
                    .orElseThrow(() -> new AssertionError("the oversized file was not kept"));
            assertThat(Files.readString(aside)).as("kept as it was, never overwritten").isEqualTo(Files.readString(copy));
        }
        Files.copy(copy, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        runner(file).withPropertyValues("query-cache.persistence.max-file-size=" + size + "B").run(ctx ->
                assertThat(ctx.getBean(QueryClient.class).inspector().size()).isEqualTo(1));
    }

    @Test
    void dataDatedInTheFutureIsHydratedAsFetchedNow() throws Exception {
        Path file = dir.resolve("future.json");
        runner(file).run(ctx -> ctx.getBean(QueryClient.class).endpoint("pokemonByName").query("pikachu").block());
        String json = Files.readString(file);
        String future = Long.toString(java.time.Instant.now().plus(java.time.Duration.ofDays(365 * 300)).toEpochMilli());
        Files.writeString(file, json.replaceAll("\"fulfilledAt\"\\s*:\\s*\\d+", "\"fulfilledAt\":" + future));
        assertThat(Files.readString(file)).contains(future);
        runner(file).run(ctx -> {
            QueryClient client = ctx.getBean(QueryClient.class);
            java.time.Instant at = client.endpoint("pokemonByName").state("pikachu").fulfilledAt();
            assertThat(at).isNotNull().isBefore(java.time.Instant.now().plusSeconds(60));
        });
    }

    @Test
    void noFileNoPersistence() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(QueryCacheAutoConfiguration.class,
                        dev.querycache.spring.state.QueryCacheStateAutoConfiguration.class,
                        dev.querycache.spring.persistence.QueryCachePersistenceAutoConfiguration.class,
                        QueryCacheWebAutoConfiguration.class))
                .run(ctx -> assertThat(ctx).doesNotHaveBean(QueryCachePersistence.class).hasSingleBean(DehydratedStateJson.class));
    }
}
