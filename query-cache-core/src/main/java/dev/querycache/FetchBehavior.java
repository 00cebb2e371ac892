package dev.querycache;

import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * How an endpoint fetches: the strategy plugged into the one entry machinery ({@link CacheEntry}), in the
 * shape of TanStack's {@code infiniteQueryBehavior}. {@link PlainBehavior} calls the fetcher once;
 * {@link InfiniteBehavior} runs the page loop. Implementations are stateless and thread-safe.
 */
interface FetchBehavior {

    /** The fetch that {@code request} asks for, given the entry's state when the fetch starts. */
    Mono<Object> fetch(EndpointRuntime endpoint, Object arg, EntrySnapshot current, FetchRequest request);

    /** The tags the fetcher says {@code data} provides (without the endpoint's static tag types). */
    Set<Tag> providedTags(Object arg, Object data);

    /** Whether there is a page after {@code data} (always false for plain endpoints). */
    boolean hasNext(Object data);

    /** Whether there is a page before {@code data} (always false for plain endpoints). */
    boolean hasPrevious(Object data);

    /** Whether entries hold {@link InfiniteData}. */
    boolean isInfinite();

    /** The user's fetcher object. */
    Object fetcher();
}
