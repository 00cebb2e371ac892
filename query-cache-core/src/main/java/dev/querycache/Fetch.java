package dev.querycache;

import dev.querycache.spi.FetchObserver;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One running fetch of one entry. Every caller that joins it waits on the same result; cancelling a
 * caller's subscription does not cancel the fetch (only {@link #cancel()} does). Thread-safe.
 *
 * <p>Invalidations that arrive while it runs are remembered here ({@link #invalidated}, and the tags of
 * every {@code invalidateTags} call), so that the entry can tell, once the fetch settles and it knows the
 * tags the new data provides, whether that data was already invalidated (RTK's delayed invalidation).
 */
final class Fetch {

    final CacheEntry query;
    final FetchRequest request;
    /** The entry's state when the fetch was created: the infinite page loop reads its pages. */
    final EntrySnapshot startState;
    /** Set, under the entry's lock, when the entry itself was invalidated during the fetch. */
    boolean invalidated;

    private final Sinks.One<Object> result = Sinks.one();
    private final ConcurrentLinkedQueue<Collection<Tag>> invalidatedTags = new ConcurrentLinkedQueue<>();
    /** {@code System.nanoTime()} when the fetch started running, for {@link FetchObserver}s. */
    long startedAtNanos;
    private Disposable subscription;
    private boolean cancelled;

    Fetch(CacheEntry query, FetchRequest request, EntrySnapshot startState) {
        this.query = query;
        this.request = request;
        this.startState = startState;
    }

    /** The result every waiter shares. */
    @SuppressWarnings("unchecked")
    <R> Mono<R> result() {
        return (Mono<R>) result.asMono();
    }

    /** Completes when the fetch has settled, whatever the outcome. */
    Mono<Void> settled() {
        return result.asMono().then().onErrorResume(e -> Mono.empty());
    }

    void complete(Object value) {
        if (value == null) {
            result.tryEmitEmpty();
        } else {
            result.tryEmitValue(value);
        }
    }

    void fail(Throwable error) {
        result.tryEmitError(error);
    }

    /** Remembers the running subscription; cancels it at once when {@link #cancel()} came first. */
    void attach(Disposable d) {
        boolean cancelNow;
        synchronized (this) {
            subscription = d;
            cancelNow = cancelled;
        }
        if (cancelNow) {
            d.dispose();
        }
    }

    /** Stops the upstream work. */
    void cancel() {
        Disposable d;
        synchronized (this) {
            cancelled = true;
            d = subscription;
        }
        if (d != null) {
            d.dispose();
        }
    }

    void recordInvalidation(Collection<Tag> tags) {
        invalidatedTags.add(tags);
    }

    /** Whether an {@code invalidateTags} during this fetch matches one of {@code provided}. */
    boolean invalidatedBy(Set<Tag> provided) {
        if (provided.isEmpty()) {
            return false;
        }
        for (Collection<Tag> tags : invalidatedTags) {
            if (TagIndex.anyMatches(tags, provided)) {
                return true;
            }
        }
        return false;
    }
}
