package dev.querycache.spring.web;

import dev.querycache.DehydratedState;
import dev.querycache.QueryClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the cache across restarts: hydrates it from a file when the application starts and dehydrates
 * it to that file when it stops (written to a temporary file beside it, then moved into place
 * atomically, so a crash never leaves half a file). A missing file is a cold start; a corrupt, foreign
 * or oversized file (over {@code query-cache.persistence.max-file-size}) is logged and ignored, never
 * fatal; data dated in the future is hydrated as fetched now.
 */
public final class QueryCachePersistence implements SmartLifecycle {

    private static final Log log = LogFactory.getLog(QueryCachePersistence.class);

    private final QueryClient client;
    private final DehydratedStateJson json;
    private final Path file;
    private final long maxFileBytes;
    private volatile boolean running;

    /** Persistence reading state files of up to 64 MB. */
    public QueryCachePersistence(QueryClient client, DehydratedStateJson json, Path file) {
        this(client, json, file, 64L * 1024 * 1024);
    }

    /**
     * @param maxFileBytes largest state file read at start-up; a larger one is logged and ignored
     */
    public QueryCachePersistence(QueryClient client, DehydratedStateJson json, Path file, long maxFileBytes) {
        this.client = client;
        this.json = json;
        this.file = file;
        this.maxFileBytes = maxFileBytes;
    }

    @Override
    public void start() {
        running = true;
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            long size = Files.size(file);
            if (size > maxFileBytes) {
                log.warn("query-cache ignored " + file + ": it has " + size + " bytes, more than "
                        + "query-cache.persistence.max-file-size (" + maxFileBytes + " bytes)");
                return;
            }
            DehydratedState state = json.read(Files.readString(file, StandardCharsets.UTF_8));
            client.hydrate(state);
            log.info("query-cache hydrated " + state.queries().size() + " entries from " + file);
        } catch (IOException | RuntimeException e) {
            log.warn("query-cache ignored " + file + ", which is not a readable query-cache state: " + e.getMessage());
        }
    }

    @Override
    public void stop() {
        running = false;
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, json.write(client.dehydrate()), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("query-cache could not write its state to " + file + ": " + e.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the client is closed (a higher phase stops earlier). */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000;
    }
}
