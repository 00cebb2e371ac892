package dev.querycache.spi;

import dev.querycache.InfiniteData;
import dev.querycache.Tag;
import java.time.Duration;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * A second cache level that the instances of a service share ({@link dev.querycache.QueryClient.Builder#sharedLevel}); the
 * Spring Boot starter's is Redis ({@code query-cache.cluster.shared.enabled}). An integration hook: an
 * application only configures it.
 *
 * <p>The client asks it on every fetch of a {@code SHARED} or {@code PRINCIPAL} entry (never a
 * {@code REQUEST} one, never a page fetch of an infinite entry), after the local cache missed: the level
 * answers a copy it holds, or runs the fetch (at most one instance at a time per entry) and keeps what it
 * got for the others. The local hit path never reaches it. Before the client applies an invalidation
 * made on this instance, it tells the level, which makes the matching copies unreadable before the
 * invalidation is announced to the other instances.
 *
 * <p>Implementations are thread-safe and must not block; {@link #load} must not fail because of the level
 * itself (unreachable, slow, unreadable copy): it then runs the fetch and answers its result.
 */
public interface SharedLevel {

    /**
     * The data of one entry: a fresh copy the level holds, or {@code fetch}'s result (whose errors it
     * passes on unchanged).
     */
    Mono<Loaded> load(Entry entry, Mono<Object> fetch);

    /** An invalidation made on this instance, told before it is applied here or published. Never throws. */
    void invalidating(Invalidation invalidation);

    /**
     * What a load answers: the data, when it was fetched (epoch millis; a copy keeps the fetching
     * instance's time, so {@code staleTime} counts from the real fetch; 0 means now, by the client's clock;
     * a time in the future counts as now) and whether it came from the level.
     */
    record Loaded(Object data, long fulfilledAtMillis, boolean shared) {
    }

    /** One entry as the level sees it: where it belongs, its options, and the tags its data provides. */
    interface Entry {

        /** The endpoint's name. */
        String endpoint();

        /** The caller's arg (never a scope wrapper). */
        Object arg();

        /** The caller of a {@code PRINCIPAL} entry, or null for a {@code SHARED} one. */
        String principal();

        /** Whether the endpoint is infinite (its data is {@link InfiniteData}). */
        boolean infinite();

        /** The endpoint's {@code fetchTimeout}: how long a fetching instance may hold the entry. */
        Duration fetchTimeout();

        /** The endpoint's {@code staleTime}, or null when data stays fresh until invalidated. */
        Duration staleTime();

        /** The endpoint's {@code keepUnusedDataFor}, or null for never. */
        Duration keepUnusedDataFor();

        /** The tags {@code data} provides (the endpoint's static tags included). */
        Set<Tag> providedTags(Object data);
    }
}
