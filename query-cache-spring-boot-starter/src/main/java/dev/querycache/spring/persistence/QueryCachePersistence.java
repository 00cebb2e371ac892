package dev.querycache.spring.persistence;

import dev.querycache.DehydratedState;
import dev.querycache.QueryClient;
import dev.querycache.spring.QueryCacheConfigurationException;
import dev.querycache.spring.state.DehydratedStateJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the cache across restarts: hydrates it from a file when the application starts and dehydrates
 * it to that file when it stops.
 *
 * <ul>
 *   <li>One instance per file: at start it takes an exclusive lock on {@code <file>.lock} and holds it until
 *       it stopped; a second instance (another JVM, or another context in this one) configured with the same
 *       file fails its startup naming the property, instead of racing the first for the file.</li>
 *   <li>The file is read streaming, one entry at a time, and hydrated as it is read, at most
 *       {@code maxEntries} entries (and each endpoint keeps at most its {@code maximumSize}): a large file
 *       costs the entries kept, never the whole file in memory. An entry whose JSON is over
 *       {@code maxEntryBytes} is skipped unread, with a log line naming its endpoint; so is one over the cap
 *       when the state is written.</li>
 *   <li>The state is written entry by entry to a temporary file beside it, which replaces the old file only
 *       once complete (an atomic move where the file system has one): a crash never leaves half a file.
 *       Temporary files a killed shutdown left behind are removed at the next start. A failure to write is
 *       logged with its cause, and the old file is left as it was.</li>
 *   <li>It starts before the web server and stops after it: the application answers no request while it
 *       is still loading, and the last state written is the one after the last request.</li>
 *   <li>A missing file is a cold start. A corrupt, foreign or oversized file (over
 *       {@code query-cache.persistence.max-file-size}), or one whose reading failed in any way, is logged
 *       (with how many of its entries were kept, when it broke off part way) and never replaced: at stop it
 *       is kept beside the new one as {@code <file>.unreadable-<epoch millis>}.</li>
 *   <li>Data dated in the future is hydrated as fetched now.</li>
 * </ul>
 * Its lifecycle methods are called by the application context, one at a time.
 */
public final class QueryCachePersistence implements SmartLifecycle {

    private static final Log log = LogFactory.getLog(QueryCachePersistence.class);
    /** Skipped entries named one by one in the log, per read or write; the rest are counted in one line. */
    private static final int NAMED_SKIPS = 10;

    /** Below Boot's web server start/stop phase (Integer.MAX_VALUE - 2048): starts before it, stops after it. */
    static final int PHASE = Integer.MAX_VALUE - 2048 - 100;

    private final QueryClient client;
    private final DehydratedStateJson json;
    private final Path file;
    private final long maxFileBytes;
    private final long maxEntries;
    private final long maxEntryBytes;
    private volatile boolean running;
    /** Set when a file was there but could not be loaded: it is kept, never overwritten. */
    private volatile boolean keepUnreadableFile;
    private FileChannel lockChannel;
    private FileLock lock;

    /** Persistence reading state files of up to 64 MB and 1 000 000 entries, entries of up to 4 MB. */
    public QueryCachePersistence(QueryClient client, DehydratedStateJson json, Path file) {
        this(client, json, file, 64L * 1024 * 1024, 1_000_000, 4L * 1024 * 1024);
    }

    /**
     * Persistence with entries of up to 4 MB.
     *
     * @param maxFileBytes largest state file read at start-up; a larger one is logged and kept, not read
     * @param maxEntries most entries hydrated from the file; the rest are skipped
     */
    public QueryCachePersistence(QueryClient client, DehydratedStateJson json, Path file, long maxFileBytes, long maxEntries) {
        this(client, json, file, maxFileBytes, maxEntries, 4L * 1024 * 1024);
    }

    /**
     * @param maxFileBytes largest state file read at start-up; a larger one is logged and kept, not read
     * @param maxEntries most entries hydrated from the file; the rest are skipped
     * @param maxEntryBytes largest entry (its JSON) read or written; a larger one is skipped and logged
     */
    public QueryCachePersistence(QueryClient client, DehydratedStateJson json, Path file, long maxFileBytes, long maxEntries,
                                 long maxEntryBytes) {
        this.client = client;
        this.json = json;
        this.file = file;
        this.maxFileBytes = maxFileBytes;
        this.maxEntries = maxEntries;
        this.maxEntryBytes = maxEntryBytes;
    }

    @Override
    public void start() {
        lock();
        running = true;
        removeStaleTemporaryFiles();
        if (!Files.isRegularFile(file)) {
            return;
        }
        keepUnreadableFile = true;   // until it has been read to the end
        AtomicLong kept = new AtomicLong();
        SkipLog skips = new SkipLog("read from");
        try {
            long size = Files.size(file);
            if (size > maxFileBytes) {
                log.warn("query-cache did not read " + file + ": it has " + size + " bytes, more than "
                        + "query-cache.persistence.max-file-size (" + maxFileBytes + " bytes); it is kept as it is");
                return;
            }
            try (java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
                json.read(in, q -> {
                    client.hydrate(new DehydratedState(java.util.List.of(q)));
                    kept.incrementAndGet();
                }, maxEntries, maxEntryBytes, skips::skipped);
            }
            keepUnreadableFile = false;
            skips.summary();
            log.info("query-cache hydrated " + kept.get() + " entries from " + file);
        } catch (IOException | RuntimeException e) {
            skips.summary();
            log.warn("query-cache could not read " + file + ", which is not a readable query-cache state (" + e.getMessage()
                    + ")" + (kept.get() > 0 ? "; the " + kept.get() + " entries read before that were kept" : "")
                    + "; the file is kept, and will be moved aside, not overwritten, when the application stops");
        }
    }

    /** Takes {@code <file>.lock}, or fails startup naming the property when another instance holds it. */
    private void lock() {
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;   // held by another context of this JVM
            }
            if (l != null && !Files.exists(lockFile)) {   // removed by the holder stopping just now: take a fresh one
                l.release();
                channel.close();
                lock();
                return;
            }
            if (l == null) {
                channel.close();
                throw new QueryCacheConfigurationException("query-cache.persistence.file=" + file + " is in use by another "
                        + "running instance (it holds " + lockFile + "); two instances writing one state file would "
                        + "overwrite each other's state.", "Give each instance a file of its own in "
                        + "query-cache.persistence.file (the queryCachePersistence bean), or turn persistence off in one "
                        + "with query-cache.persistence.enabled=false.");
            }
            lockChannel = channel;
            lock = l;
        } catch (IOException e) {
            throw new QueryCacheConfigurationException("query-cache.persistence.file=" + file + ": the lock file " + lockFile
                    + " cannot be created (" + e + ").", "Make the directory writable, or choose another "
                    + "query-cache.persistence.file.", e);
        }
    }

    /** Removes the lock file while still holding its lock, then releases it: nothing is left beside the state file. */
    private void unlock() {
        try {
            if (lock != null) {
                Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".lock"));
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            log.debug("query-cache could not release its lock on " + file, e);
        } finally {
            lock = null;
            lockChannel = null;
        }
    }

    /** Temporary files of this state file that a killed shutdown left behind (this instance holds the lock). */
    private void removeStaleTemporaryFiles() {
        Path dir = file.toAbsolutePath().getParent();
        String prefix = file.getFileName().toString();
        try (DirectoryStream<Path> tmps = Files.newDirectoryStream(dir,
                p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".tmp"))) {
            for (Path tmp : tmps) {
                Files.deleteIfExists(tmp);
                log.info("query-cache removed " + tmp + ", left behind by a shutdown that did not finish writing");
            }
        } catch (IOException e) {
            log.warn("query-cache could not remove the temporary files of " + file + " in " + dir + ": " + e);
        }
    }

    @Override
    public void stop() {
        running = false;
        Path tmp = null;
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            if (keepUnreadableFile && Files.exists(file)) {
                Path aside = file.resolveSibling(file.getFileName() + ".unreadable-" + System.currentTimeMillis());
                Files.move(file, aside);
                log.warn("query-cache kept the state file it could not read as " + aside);
            }
            tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            SkipLog skips = new SkipLog("written to");
            long written;
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 64 * 1024)) {
                written = json.write(client.dehydrate(), out, maxEntryBytes, skips::skipped);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            skips.summary();
            log.info("query-cache wrote " + written + " entries to " + file);
        } catch (IOException | RuntimeException e) {
            log.warn("query-cache could not write its state to " + file + " (" + e + "); the previous file is left as it "
                    + "was", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    log.debug("query-cache could not remove " + tmp, e);
                }
            }
            unlock();
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

    /** Logs the entries skipped for their size: the first few by name, then one line with the count. */
    private final class SkipLog {
        private final String how;
        private long count;

        SkipLog(String how) {
            this.how = how;
        }

        void skipped(String endpoint, long bytes) {
            count++;
            if (count <= NAMED_SKIPS) {
                log.warn("query-cache skipped an entry of endpoint '" + endpoint + "' " + how + " " + file + ": its JSON "
                        + "is over query-cache.persistence.max-entry-size (" + maxEntryBytes + " bytes; "
                        + bytes + " bytes and more)");
            }
        }

        void summary() {
            if (count > NAMED_SKIPS) {
                log.warn("query-cache skipped " + count + " entries " + how + " " + file
                        + " over query-cache.persistence.max-entry-size (" + maxEntryBytes + " bytes)");
            }
        }
    }
}
