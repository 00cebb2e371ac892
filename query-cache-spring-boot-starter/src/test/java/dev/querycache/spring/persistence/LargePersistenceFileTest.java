package dev.querycache.spring.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A valid state file far larger than the heap: the application must start (reading it streaming and
 * bounded), answer nothing before it has loaded, and never lose the file. Runs the application in a JVM of
 * its own with {@code -Xmx96m}.
 */
class LargePersistenceFileTest {

    @TempDir
    Path dir;

    /** Writes {@code count} entries of about 340 bytes each, as query-cache's own format, without the cache. */
    private static void writeState(Path file, int count) throws Exception {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("{\"queries\":[");
            long now = System.currentTimeMillis();
            String description = "x".repeat(160);
            for (int i = 0; i < count; i++) {
                if (i > 0) {
                    w.write(',');
                }
                w.write("{\"endpoint\":\"items\",\"arg\":\"item-" + i + "\",\"data\":{\"name\":\"item-" + i + "\",\"id\":" + i
                        + ",\"types\":[\"electric\",\"steel\"],\"description\":\"" + description + "\"},\"fulfilledAt\":"
                        + now + ",\"tags\":[],\"infinite\":false}");
            }
            w.write("]}");
        }
    }

    private record Run(int exit, List<String> lines) {
        String line(String prefix) {
            return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElse("(no line '" + prefix + "' in " + lines + ")");
        }
    }

    private static Run fork(Path file, int maximumSize) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx96m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                PersistenceForkMain.class.getName(), file.toString(), String.valueOf(maximumSize))
                .redirectErrorStream(true).start();
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (var in = p.inputReader()) {
                in.lines().forEach(lines::add);
            } catch (java.io.IOException | java.io.UncheckedIOException ignored) {
                // the process was killed
            }
        }, "fork-output");
        reader.setDaemon(true);
        reader.start();
        boolean ended = p.waitFor(5, TimeUnit.MINUTES);
        if (!ended) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(ended).as("the forked application ended within 5 minutes: " + lines).isTrue();
        return new Run(p.exitValue(), List.copyOf(lines));
    }

    private static int indexOf(Run run, String text) {
        for (int i = 0; i < run.lines().size(); i++) {
            if (run.lines().get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aFileLargerThanTheHeapLoadsStreamingBeforeThePortOpensAndKeepsMaximumSize() throws Exception {
        Path file = dir.resolve("state.json");
        writeState(file, 170_000);   // as in the report: a valid file just under the default 64 MB cap
        assertThat(Files.size(file)).as("the file is about as large as the forked heap").isBetween(50_000_000L, 64L * 1024 * 1024);

        Run run = fork(file, 5_000);
        assertThat(run.exit()).as(String.join("\n", run.lines())).isZero();
        assertThat(run.line("FORK an entry: ")).as("typed back as the record").matches("FORK an entry: item-(\\d+) = "
                + "Item\\[name=item-\\1, id=\\1, types=\\[electric, steel\\], description=x+\\]");
        long whenOpened = Long.parseLong(run.line("FORK size when the port opened: ").replaceAll("\\D", ""));
        assertThat(whenOpened).as("the cache was warm when the port opened").isPositive();
        int hydrated = indexOf(run, "query-cache hydrated 170000 entries");
        int portOpened = indexOf(run, "Netty started on port");
        assertThat(hydrated).as("all 170 000 entries were read: " + run.lines()).isNotNegative();
        assertThat(hydrated).as("loaded before the port opened").isLessThan(portOpened);
        assertThat(run.line("FORK closed")).isEqualTo("FORK closed");
        assertThat(Files.readString(file)).as("written back at stop").startsWith("{\"queries\":[{");
    }

    @Test
    void aFileThatFailsToLoadIsKeptNeverOverwritten() throws Exception {
        Path file = dir.resolve("state.json");
        writeState(file, 1_000);
        String whole = Files.readString(file);
        String truncated = whole.substring(0, whole.length() / 2);   // a crash mid-copy, say
        Files.writeString(file, truncated);

        Run run = fork(file, 5_000);
        assertThat(run.exit()).as(String.join("\n", run.lines())).isZero();
        try (var files = Files.list(dir)) {
            List<Path> aside = files.filter(f -> f.getFileName().toString().startsWith("state.json.unreadable-")).toList();
            assertThat(aside).as("the file that failed to load is kept").hasSize(1);
            assertThat(Files.readString(aside.get(0))).isEqualTo(truncated);
        }
        assertThat(Files.readString(file)).as("a new, valid state beside it").startsWith("{\"queries\":[");
    }
}
