package dev.querycache;

import dev.querycache.spi.Invalidation;
import dev.querycache.spi.InvalidationBus;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Invalidation, as RTK Query's {@code invalidationByTags} middleware: finds the entries a tag, an arg or a
 * whole endpoint names (the {@link TagIndex}, kept inside each change's compute so it never lags the
 * entry) and dispatches {@link EntryAction.Invalidate} to each: a running fetch is marked (handled when
 * it settles), a subscribed entry refetched with its data still visible, an unused one removed.
 * Invalidations made here are told to the store's second level before they are applied and to the
 * {@link InvalidationBus} after; those from other instances are applied only. Thread-safe.
 */
final class TagInvalidation {

    private final CacheEngine cache;
    private final EntryStore store;
    private final Fetching fetching;
    private final TagIndex tagIndex = new TagIndex();
    private final EventPublisher<QueryState<?>> invalidated = new EventPublisher<>();
    /** Where invalidations made here are published (an {@link InvalidationBus}); none by default. */
    private volatile Consumer<Invalidation> publisher = i -> { };

    TagInvalidation(CacheEngine cache, EntryStore store, Fetching fetching) {
        this.cache = cache;
        this.store = store;
        this.fetching = fetching;
    }

    /** Inside the change's compute: the tag index follows the entry's tags, its creation and its removal. */
    void index(Change c) {
        CacheEntry q = c.query;
        if (c.created) {
            tagIndex.update(q, Set.of(), c.before.tags);
        }
        if (c.after.tags != c.before.tags) {
            tagIndex.update(q, c.before.tags, c.after.tags);
        }
        if (c.remove) {
            tagIndex.remove(q, c.after.tags);
        }
    }

    /** After a change: an invalidation that arrived during the fetch that just settled applies now. */
    void afterChange(Change c) {
        if (c.invalidateAgain) {
            invalidate(c.query);
        }
    }

    /** The entries invalidated (those that outlive their request), as they were invalidated. */
    EventPublisher<QueryState<?>> invalidated() {
        return invalidated;
    }

    void publishTo(Consumer<Invalidation> publisher) {
        this.publisher = publisher;
    }

    /** Invalidates one entry (see the class comment). */
    void invalidate(CacheEntry q) {
        cache.dispatch(q, new EntryAction.Invalidate(q.endpoint.nowMillis()));
        if (invalidated.hasListeners() && EntryKey.outlivesItsRequest(q.arg)) {
            invalidated.publish(q.view());
        }
    }

    /** Invalidates the entries providing a matching tag; {@code publish}: also tell the other instances. */
    void invalidateTags(Collection<Tag> tags, boolean publish) {
        if (tags.isEmpty()) {
            return;
        }
        List<Tag> copy = List.copyOf(tags);
        Invalidation announced = publish ? Invalidation.tags("", copy) : null;
        if (publish) {
            store.invalidating(announced);
        }
        for (Fetch f : fetching.running()) {
            cache.dispatch(f.query, new EntryAction.TagsInvalidated(copy));
        }
        for (CacheEntry q : tagIndex.matching(copy)) {
            invalidate(q);
        }
        if (publish) {
            publish(announced);
        }
    }

    /** {@code Endpoint.invalidate(arg)}: invalidates the entry here and tells the other instances. */
    void invalidateEntry(EndpointRuntime endpoint, Object arg) {
        // a PRINCIPAL entry's key is internal: the message names the caller and the user's arg explicitly
        Invalidation announced = EntryKey.livesWithRequest(arg) ? null   // a request's own entry: nothing of it exists elsewhere
                : Invalidation.entry("", endpoint.name(), EntryKey.userArg(arg), EntryKey.principal(arg));
        if (announced != null) {
            store.invalidating(announced);
        }
        CacheEntry q = EntryStore.peek(endpoint, arg);
        if (q != null) {
            invalidate(q);
        }
        if (announced != null) {
            publish(announced);
        }
    }

    /** Invalidates the entry of {@code arg} (for PRINCIPAL endpoints: of {@code principal}) without publishing. */
    void invalidateRemoteEntry(EndpointRuntime endpoint, Object arg, String principal) {
        CacheEntry q = EntryStore.peek(endpoint, EntryKey.of(principal, arg));
        if (q != null) {
            invalidate(q);
        }
    }

    /** Invalidates {@code principal}'s entries of a PRINCIPAL endpoint, without publishing. */
    void invalidateCallerEntries(EndpointRuntime endpoint, String principal) {
        for (CacheEntry q : store.entries(endpoint)) {
            if (principal.equals(EntryKey.principal(q.arg))) {
                invalidate(q);
            }
        }
    }

    /** Invalidates every entry of {@code endpoint}; {@code publish}: also tell the other instances. */
    void invalidateAll(EndpointRuntime endpoint, boolean publish) {
        Invalidation announced = publish ? Invalidation.endpoint("", endpoint.name(), null) : null;
        if (publish) {
            store.invalidating(announced);
        }
        for (CacheEntry q : store.entries(endpoint)) {
            invalidate(q);
        }
        if (publish) {
            publish(announced);
        }
    }

    private void publish(Invalidation i) {
        try {
            publisher.accept(i);
        } catch (RuntimeException ignored) {
            // a bus must not throw; if it does, the local invalidation still stands
        }
    }

    void close() {
        invalidated.complete();
    }
}
