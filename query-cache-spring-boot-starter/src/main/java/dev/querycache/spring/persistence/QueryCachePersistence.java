package dev.querycache.spring.persistence;

import dev.querycache.spring.state.DehydratedStateJson;
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
 * atomically, so a crash never leaves half a file).
 *
 * <ul>
 *   <li>The file is read streaming, one entry at a time, and hydrated as it is read, at most
 *       {@code maxEntries} entries (and each endpoint keeps at most its {@code maximumSize}): a large file
 *       costs the entries kept, never the whole file in memory.</li>
 *   <li>It starts before the web server and stops after it: the application answers no request while it
 *       is still loading, and the last state written is the one after the last request.</li>
 *   <li>A missing file is a cold start. A corrupt, foreign or oversized file (over
 *       {@code query-cache.persistence.max-file-size}), or one whose reading failed in any way, is logged and
 *       never replaced: at stop it is kept beside the new one as {@code <file>.unreadable-<epoch millis>}.</li>
 *   <li>Data dated in the future is hydrated as fetched now.</li>
 * </ul>
 */
public final class QueryCachePersistence implements SmartLifecycle {

    private static final Log log = LogFactory.getLog(QueryCachePersistence.class);

    /** Below Boot's web server start/stop phase (Integer.MAX_VALUE - 2048): starts before it, stops after it. */
    static final int PHASE = Integer.MAX_VALUE - 2048 - 100;

    private final QueryClient client;
    private final DehydratedStateJson json;
    private final Path file;
    private final long maxFileBytes;
    private final long maxEntries;
    private volatile boolean running;
    /** Set when a file was there but could not be loaded: it is kept, never overwritten. */
    private volatile boolean keepUnreadableFile;

    /** Persistence reading state files of up to 64 MB and 1 000 000 entries. */
    public QueryCachePersistence(QueryClient client, DehydratedStateJson json, Path file) {
        this(client, json, file, 64L * 1024 * 1024, 1_000_000);
    }

    /**
     * @param maxFileBytes largest state file read at start-up; a larger one is logged and kept, not read
     * @param maxEntries most entries hydrated from the file; the rest are skipped
     */
    public QueryCachePersistence(QueryClient client, DehydratedStateJson json, Path file, long maxFileBytes, long maxEntries) {
        this.client = client;
        this.json = json;
        this.file = file;
        this.maxFileBytes = maxFileBytes;
        this.maxEntries = maxEntries;
    }

    @Override
    public void start() {
        running = true;
        if (!Files.isRegularFile(file)) {
            return;
        }
        keepUnreadableFile = true;   // until it has been read to the end
        try {
            long size = Files.size(file);
            if (size > maxFileBytes) {
                log.warn("query-cache did not read " + file + ": it has " + size + " bytes, more than "
                        + "query-cache.persistence.max-file-size (" + maxFileBytes + " bytes); it is kept as it is");
                return;
            }
            long n;
            try (java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
                n = json.read(in, q -> client.hydrate(new DehydratedState(java.util.List.of(q))), maxEntries);
            }
            keepUnreadableFile = false;
            log.info("query-cache hydrated " + n + " entries from " + file);
        } catch (IOException | RuntimeException e) {
            log.warn("query-cache could not read " + file + ", which is not a readable query-cache state (" + e.getMessage()
                    + "); it is kept, and will be moved aside, not overwritten, when the application stops");
        }
    }

    @Override
    public void stop() {
        running = false;
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            if (keepUnreadableFile && Files.exists(file)) {
                Path aside = file.resolveSibling(file.getFileName() + ".unreadable-" + System.currentTimeMillis());
                Files.move(file, aside);
                log.warn("query-cache kept the state file it could not read as " + aside);
            }
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

    /** Starts before the web server and stops after it (and before the client is closed). */
    @Override
    public int getPhase() {
        return PHASE;
    }
}
