package dev.querycache.spring.web;

import dev.querycache.spring.state.DehydratedStateJson;
import dev.querycache.QueryClient;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * The invalidations of this server, numbered, with the last {@code window} of them kept, so that an
 * events stream that reconnects ({@code Last-Event-ID}) gets what it missed. Ids are
 * {@code <epoch>-<sequence>}: the epoch is new each time the server starts, so an id of another run (or
 * another instance) is told apart from one of this run. Thread-safe: appends and subscriptions hold this
 * log's monitor, so a subscriber gets every event exactly once, the missed ones then the live ones.
 */
final class InvalidationLog implements AutoCloseable {

    /** What a stream receives: one {@link Start}, then {@link Entry}s. */
    sealed interface Item permits Start, Entry {
    }

    /** One invalidated entry: its number, the endpoint, its owner (null: shared) and its query key as JSON. */
    record Entry(long seq, String endpoint, String principal, String queryKeyJson) implements Item {
    }

    /** What a (re)connecting stream gets first: its missed entries, or a reset when they cannot be told. */
    record Start(boolean reset, List<Entry> missed, long latest) implements Item {
    }

    private static final int LIVE_BUFFER = 10_000;

    private final String epoch = Long.toString(System.currentTimeMillis(), 36)
            + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
    private final int window;
    private final ArrayDeque<Entry> kept = new ArrayDeque<>();
    private final List<FluxSink<Item>> listeners = new ArrayList<>();
    private final Disposable source;
    private long latest;

    InvalidationLog(QueryClient client, DehydratedStateJson stateJson, int window) {
        if (window < 0) {
            throw new IllegalArgumentException("query-cache.web.events-replay must not be negative");
        }
        this.window = window;
        this.source = client.inspector().invalidations().subscribe(s ->
                append(s.endpoint(), s.principal(), "{\"queryKey\":" + stateJson.queryKey(s.endpoint(), s.arg()) + "}"));
    }

    String id(long seq) {
        return epoch + "-" + seq;
    }

    /** The id of the latest invalidation logged so far: a state taken now reflects every one up to it. */
    synchronized String latestId() {
        return id(latest);
    }

    synchronized void append(String endpoint, String principal, String queryKeyJson) {
        Entry e = new Entry(++latest, endpoint, principal, queryKeyJson);
        kept.addLast(e);
        while (kept.size() > window) {
            kept.removeFirst();
        }
        for (FluxSink<Item> listener : listeners) {
            listener.next(e);
        }
    }

    /**
     * A {@link Start} (what was missed after {@code lastEventId}, or a reset when that cannot be told: an id of
     * another epoch, one that is not this log's, or one older than the window; null: a first connection),
     * then every new entry, in order, none twice and none lost.
     */
    Flux<Item> follow(String lastEventId) {
        return Flux.<Item>create(sink -> {
            synchronized (this) {
                sink.next(startFrom(lastEventId));
                listeners.add(sink);
            }
            sink.onDispose(() -> {
                synchronized (this) {
                    listeners.remove(sink);
                }
            });
        }, FluxSink.OverflowStrategy.ERROR).onBackpressureBuffer(LIVE_BUFFER);
    }

    /** Call holding the monitor. */
    private Start startFrom(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return new Start(false, List.of(), latest);
        }
        int dash = lastEventId.lastIndexOf('-');
        long seq;
        try {
            seq = dash < 0 ? -1 : Long.parseLong(lastEventId.substring(dash + 1));
        } catch (NumberFormatException e) {
            seq = -1;
        }
        boolean ours = dash > 0 && lastEventId.substring(0, dash).equals(epoch) && seq >= 0 && seq <= latest;
        long oldestKept = kept.isEmpty() ? latest + 1 : kept.peekFirst().seq();
        if (!ours || seq + 1 < oldestKept) {
            return new Start(true, List.of(), latest);
        }
        List<Entry> missed = new ArrayList<>();
        for (Entry e : kept) {
            if (e.seq() > seq) {
                missed.add(e);
            }
        }
        return new Start(false, missed, latest);
    }

    @Override
    public void close() {
        source.dispose();
    }
}
