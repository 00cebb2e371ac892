package dev.querycache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet of README.md is one of the compiled test sources under {@code com/example},
 * quoted verbatim, imports included: a snippet that stops compiling fails the build, and one edited in
 * the README alone fails here.
 */
class ReadmeSnippetsTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Path SOURCES = Path.of("src", "test", "java", "com", "example");

    static List<String> javaSnippets(String markdown) {
        List<String> out = new ArrayList<>();
        StringBuilder current = null;
        for (String line : markdown.split("\n", -1)) {
            if (current == null && line.strip().equals("```java")) {
                current = new StringBuilder();
            } else if (current != null && line.strip().equals("```")) {
                out.add(current.toString().stripTrailing());
                current = null;
            } else if (current != null) {
                current.append(line.stripTrailing()).append('\n');
            }
        }
        return out;
    }

    @Test
    void everyJavaSnippetIsACompiledSourceQuotedVerbatim() throws IOException {
        List<String> sources = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                sources.add(Files.readString(f).stripTrailing());
            }
        }
        List<String> snippets = javaSnippets(Files.readString(README));
        assertThat(snippets).hasSizeGreaterThanOrEqualTo(8);
        for (String snippet : snippets) {
            assertThat(sources).as("README snippet starting %s",
                    snippet.lines().limit(3).toList()).contains(snippet);
            assertThat(snippet).startsWith("package ").contains("import ");
        }
    }

    /** The README's properties table names each property once (it once listed the budget's three twice, with different meanings). */
    @Test
    void thePropertiesTableNamesEachPropertyOnce() throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : Files.readString(README).split("\n")) {
            if (line.startsWith("| `query-cache.")) {
                names.add(line.substring(3, line.indexOf('`', 3)));
            }
        }
        assertThat(names).hasSizeGreaterThan(20).doesNotHaveDuplicates();
    }
}
