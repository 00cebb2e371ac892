package dev.querycache;

import java.util.List;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Fetches one page of an infinite (paginated) query endpoint. The cache holds every page fetched so
 * far for an argument as one entry, an {@link InfiniteData}; the three param functions decide which
 * page comes next, in the model of RTK Query's infinite queries and TanStack's {@code useInfiniteQuery}.
 *
 * <p>Implementations must be thread-safe and the param functions must be pure and non-blocking: they
 * are called after every page fetch to compute {@link InfiniteQueryState#hasNextPage()}.
 *
 * @param <A> the query argument (a value, or {@code null})
 * @param <P> the page param (page number, cursor, offset, ...); falsy values such as {@code 0} and
 *     {@code ""} are valid params, only {@code null} means "no such page"
 * @param <R> one page
 */
public interface InfiniteQueryFetcher<A, P, R> {

    /** The param of the first page, used when nothing is cached and the caller gives none. */
    P initialPageParam();

    /**
     * Fetches the page at {@code pageParam}.
     *
     * @param arg the query argument
     * @param pageParam the page param, never {@code null}
     * @return the page, lazily
     */
    Mono<R> fetchPage(A arg, P pageParam);

    /**
     * The param of the page after {@code lastPage}, or {@code null} when there is none.
     *
     * @param lastPage the last cached page
     * @param allPages every cached page, first to last
     * @param lastPageParam the param of {@code lastPage}
     * @param allPageParams every cached param, first to last
     * @return the next param, or {@code null} at the end of the list
     */
    P getNextPageParam(R lastPage, List<R> allPages, P lastPageParam, List<P> allPageParams);

    /**
     * The param of the page before {@code firstPage}, or {@code null} when there is none (the default:
     * the list only grows forwards).
     *
     * @param firstPage the first cached page
     * @param allPages every cached page, first to last
     * @param firstPageParam the param of {@code firstPage}
     * @param allPageParams every cached param, first to last
     * @return the previous param, or {@code null} at the start of the list
     */
    default P getPreviousPageParam(R firstPage, List<R> allPages, P firstPageParam, List<P> allPageParams) {
        return null;
    }

    /**
     * Tags the entry provides once {@code data} is cached, in addition to the tag types of
     * {@link InfiniteQueryEndpoint#tags()}.
     *
     * @param arg the query argument
     * @param data every cached page
     * @return the tags, never {@code null}
     */
    default Set<Tag> providesTags(A arg, InfiniteData<R, P> data) {
        return Set.of();
    }
}
