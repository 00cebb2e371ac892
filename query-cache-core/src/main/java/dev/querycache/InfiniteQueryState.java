package dev.querycache;

/**
 * The snapshot of an infinite entry: {@link QueryState} plus the direction of page fetches.
 *
 * @param <R> one page
 * @param <P> the page param
 */
public interface InfiniteQueryState<R, P> extends QueryState<InfiniteData<R, P>> {

    /** Whether {@code getNextPageParam} returns non-null for the cached pages. */
    boolean hasNextPage();

    /** Whether {@code getPreviousPageParam} returns non-null for the cached pages. */
    boolean hasPreviousPage();

    /** Whether a {@code fetchNextPage} is running. */
    boolean isFetchingNextPage();

    /** Whether a {@code fetchPreviousPage} is running. */
    boolean isFetchingPreviousPage();

    /** Whether the last settled fetch was a {@code fetchNextPage} that failed. */
    boolean isFetchNextPageError();

    /** Whether the last settled fetch was a {@code fetchPreviousPage} that failed. */
    boolean isFetchPreviousPageError();
}
