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
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
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

    /** A value whose JSON cannot be written once it is named "broken...": its getter throws. */
    public static final class Thing {
        private final String name;

        Thing(String name) {
            this.name = name;
        }

        public String getName() {
            if (name.startsWith("broken")) {
                throw new IllegalStateException("this value cannot be written");
            }
            return name;
        }
    }

    @dev.querycache.QueryEndpoint(name = "things")
    public static class Things implements dev.querycache.QueryFetcher<String, Thing> {
        @Override
        public reactor.core.publisher.Mono<Thing> fetch(String name) {
            return reactor.core.publisher.Mono.just(new Thing(name));
        }
    }

    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class ThingsConfig {
        @org.springframework.context.annotation.Bean
        Things things() {
            return new Things();
        }
    }

    /** An entry over max-entry-size is skipped when the state is written, named in the log; the others are written. */
    @Test
    void anEntryOverTheCapIsSkippedOnWriteNamingIt(org.springframework.boot.test.system.CapturedOutput output) {
        Path file = dir.resolve("state.json");
        runner(file).withPropertyValues("query-cache.persistence.max-entry-size=1KB").run(ctx -> {
            var e = ctx.getBean(QueryClient.class).endpoint("pokemonByName");
            e.query("pikachu").block();
            e.setData("huge", "x".repeat(4096));
        });
        assertThat(output.getOut()).contains("skipped an entry of endpoint 'pokemonByName' written to " + file)
                .contains("query-cache.persistence.max-entry-size");
        runner(file).run(ctx -> {
            var e = ctx.getBean(QueryClient.class).endpoint("pokemonByName");
            assertThat(e.state("pikachu").status()).isEqualTo(QueryStatus.SUCCESS);
            assertThat(e.state("huge").status()).isEqualTo(QueryStatus.UNINITIALIZED);
        });
    }

    /** An entry over max-entry-size in the file is skipped unread, named in the log; the others are hydrated. */
    @Test
    void anEntryOverTheCapIsSkippedOnReadNamingIt(org.springframework.boot.test.system.CapturedOutput output) throws Exception {
        Path file = dir.resolve("state.json");
        runner(file).run(ctx -> {
            var e = ctx.getBean(QueryClient.class).endpoint("pokemonByName");
            e.query("pikachu").block();
            e.setData("huge", "x".repeat(64 * 1024));
            e.query("eevee").block();
        });
        runner(file).withPropertyValues("query-cache.persistence.max-entry-size=4KB").run(ctx -> {
            var e = ctx.getBean(QueryClient.class).endpoint("pokemonByName");
            assertThat(e.state("pikachu").status()).isEqualTo(QueryStatus.SUCCESS);
            assertThat(e.state("eevee").status()).isEqualTo(QueryStatus.SUCCESS);
            assertThat(e.state("huge").status()).isEqualTo(QueryStatus.UNINITIALIZED);
        });
        assertThat(output.getOut()).contains("skipped an entry of endpoint 'pokemonByName' read from " + file)
                .contains("hydrated 2 entries from " + file);
    }

    /**
     * The state goes to a temporary file that replaces the old one only once complete: a write that fails part
     * way leaves the old file as it was and no temporary file, and the library logs the failure with its cause.
     */
    @Test
    void aWriteThatFailsLeavesTheOldFileAndSaysWhy(org.springframework.boot.test.system.CapturedOutput output) throws Exception {
        Path file = dir.resolve("state.json");
        runner(file).run(ctx -> ctx.getBean(QueryClient.class).endpoint("pokemonByName").query("pikachu").block());
        String before = Files.readString(file);
        runner(file).withUserConfiguration(ThingsConfig.class).run(ctx -> {
            ctx.getBean(QueryClient.class).endpoint("pokemonByName").query("eevee").block();
            ctx.getBean(QueryClient.class).endpoint("things").query("broken-one").block();
        });
        assertThat(Files.readString(file)).as("the old file, whole").isEqualTo(before);
        assertThat(dir.toFile().list()).as("no temporary file left behind").containsExactly("state.json");
        assertThat(output.getOut()).contains("could not write its state to " + file)
                .contains("this value cannot be written").contains("the previous file is left as it was");
    }

    /** Temporary files a killed shutdown left behind are removed at the next start. */
    @Test
    void staleTemporaryFilesAreRemovedAtStart() throws Exception {
        Path file = dir.resolve("state.json");
        Path stale = Files.writeString(dir.resolve("state.json12345.tmp"), "{\"queries\":[{\"endpoint\":");
        Path other = Files.writeString(dir.resolve("other.json1.tmp"), "not ours");
        runner(file).run(ctx -> assertThat(stale).doesNotExist());
        assertThat(other).as("another file's temporary file is not ours").exists();
    }

    /** A file that breaks off part way keeps the entries read before, and says how many. */
    @Test
    void aPartlyReadableFileSaysHowManyEntriesWereKept(org.springframework.boot.test.system.CapturedOutput output) throws Exception {
        Path file = dir.resolve("state.json");
        runner(file).run(ctx -> {
            var e = ctx.getBean(QueryClient.class).endpoint("pokemonByName");
            e.query("pikachu").block();
            e.query("eevee").block();
            e.query("mew").block();
        });
        String json = Files.readString(file);
        int third = json.indexOf("{\"endpoint\"", json.indexOf("{\"endpoint\"", json.indexOf("{\"endpoint\"") + 1) + 1);
        Files.writeString(file, json.substring(0, third + 20));   // cut inside the third entry
        runner(file).run(ctx -> assertThat(ctx.getBean(QueryClient.class).inspector().size()).isEqualTo(2));
        assertThat(output.getOut()).contains("the 2 entries read before that were kept");
    }

    /** Two instances configured with one file: the second fails its startup, naming the property. */
    @Test
    void aSecondInstanceWithTheSameFileIsRefused() {
        Path file = dir.resolve("state.json");
        runner(file).run(first -> {
            assertThat(first).hasNotFailed();
            runner(file).run(second -> assertThat(second).hasFailed().getFailure()
                    .hasRootCauseInstanceOf(dev.querycache.spring.QueryCacheConfigurationException.class)
                    .rootCause().hasMessageContaining("query-cache.persistence.file=" + file)
                    .hasMessageContaining("another running instance"));
            first.getBean(QueryClient.class).endpoint("pokemonByName").query("pikachu").block();
        });
        runner(file).run(ctx -> assertThat(ctx.getBean(QueryClient.class).inspector().size())
                .as("the first instance wrote its state; the lock was released").isEqualTo(1));
    }
}
