package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The core's seams, checked on its sources: the store is touched only through the store seam, an entry
 * changes only in its reducer, and only the key type knows which kind a key is. Each rule names the
 * files that break it.
 */
class ArchitectureTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/querycache");

    @Test
    void onlyTheStoreSeamTouchesAnEndpointsStore() throws IOException {
        assertThat(Files.readString(SOURCES.resolve("EndpointRuntime.java"))).as("the store the rule guards")
                .contains("final Cache<Object, EntrySnapshot> store;");
        // a Caffeine call on an endpoint's store (the field of EndpointRuntime), anywhere but EntryStore
        assertThat(filesMatching("(?<!cache\\.)\\bstore\\.(getIfPresent|asMap|policy|cleanUp|put|invalidate\\w*|estimatedSize)\\(",
                "EntryStore.java")).isEmpty();
    }

    @Test
    void anEntryChangesOnlyInItsReducer() throws IOException {
        // the names the rules below guard must exist where they are declared: a rename that the rules did not
        // follow fails here instead of leaving a rule that can no longer fail
        assertDeclared("CacheEntry.java", "markRemoved", "admitOnProbation", "promote", "pollTick");
        assertDeclared("Fetch.java", "recordInvalidation");
        // what the reducer changes (removal, probation, the tag log of a running fetch) is private to CacheEntry
        // or called from the store seam only; eviction and poll ticks are EntryActions too
        assertThat(filesMatching("\\.(markRemoved|pollTick|recordInvalidation|admitOnProbation)\\(",
                "CacheEntry.java", "EntryStore.java")).isEmpty();
        assertThat(filesMatching("\\.promote\\(\\)", "CacheEntry.java", "EntryStore.java")).isEmpty();
        assertThat(filesMatching("recordInvalidation\\(", "CacheEntry.java", "Fetch.java")).isEmpty();
    }

    /** Each of {@code methods} is declared in {@code file} (a method declaration, not only a call). */
    private static void assertDeclared(String file, String... methods) throws IOException {
        String source = Files.readString(SOURCES.resolve(file));
        for (String m : methods) {
            assertThat(Pattern.compile("\\b(void|boolean|[A-Z]\\w*)\\s+" + m + "\\(").matcher(source).find())
                    .as("%s declares %s (the architecture rules name it)", file, m).isTrue();
        }
    }

    @Test
    void onlyTheKeyTypeAsksWhichKindAKeyIs() throws IOException {
        assertThat(SOURCES.resolve("ScopedArg.java")).as("the key kinds the rule guards").exists();
        assertThat(SOURCES.resolve("RequestArg.java")).exists();
        assertThat(filesMatching("instanceof\\s+(EntryKey\\.Scoped|ScopedArg|RequestArg)\\b|\\((ScopedArg|RequestArg)\\)\\s*\\w",
                "EntryKey.java", "EntryKeys.java", "ScopedArg.java", "RequestArg.java")).isEmpty();
    }

    /** The files (but the {@code allowed} ones) whose code, comments left out, matches {@code regex}, with the lines. */
    private static Map<String, List<String>> filesMatching(String regex, String... allowed) throws IOException {
        Pattern p = Pattern.compile(regex);
        Map<String, List<String>> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String name = f.getFileName().toString();
                if (List.of(allowed).contains(name)) {
                    continue;
                }
                List<String> hits = Files.readAllLines(f).stream()
                        .filter(line -> !line.trim().startsWith("*") && !line.trim().startsWith("//"))
                        .filter(line -> p.matcher(line).find()).toList();
                if (!hits.isEmpty()) {
                    out.put(name, hits);
                }
            }
        }
        assertThat(Files.isDirectory(SOURCES)).as("sources at " + SOURCES.toAbsolutePath()).isTrue();
        return out;
    }
}
