package dev.querycache.spring.web;

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
 * The web layer, checked on its sources: it sets no thread-local (the caller, the request and the admission
 * gate travel in the Reactor Context, and synchronous endpoint methods run in {@link InRequest}), and a
 * handler resolves its endpoint once, through {@link ExposedEndpoints#resolve}.
 */
class WebLayerSeamsTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/querycache/spring/web");

    @Test
    void theWebLayerSetsNoThreadLocal() throws IOException {
        assertThat(filesMatching("QueryScopes\\.callAs\\(|Admission\\.call\\(|new ThreadLocal|ThreadLocal<")).isEmpty();
    }

    @Test
    void theCallerComesFromTheContextNotFromTheExchange() throws IOException {
        // QueryScopeWebFilter writes the attribute for applications' own handlers; the web layer reads the Context
        assertThat(filesMatching("QueryScopeWebFilter\\.principal\\(", "QueryScopeWebFilter.java")).isEmpty();
    }

    @Test
    void handlersReachAnExposedEndpointOnlyThroughItsResolvedHandle() throws IOException {
        assertThat(filesMatching("client\\.(endpoint|infiniteEndpoint)\\(",
                "ExposedEndpoints.java", "DevtoolsHandlers.java", "QueryCacheWebAutoConfiguration.java")).isEmpty();
    }

    private static Map<String, List<String>> filesMatching(String regex, String... allowed) throws IOException {
        assertThat(Files.isDirectory(SOURCES)).as("sources at " + SOURCES.toAbsolutePath()).isTrue();
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
        return out;
    }
}
