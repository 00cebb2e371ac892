package dev.querycache;

import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Fetches the data of one query endpoint from its source (an upstream service, a database, ...).
 *
 * <p>An implementation is registered with {@link QueryClient.Builder#endpoint(QueryFetcher)} (name and
 * options from {@link QueryEndpoint}) or {@link QueryClient.Builder#endpoint(String, QueryFetcher,
 * EndpointOptions)}. The client calls {@link #fetch} when a read needs data it does not have fresh
 * ({@code query} of a stale or missing entry), and also when asked to even though fresh data is cached
 * ({@code refetch}, {@code prefetch} with {@code force}, polling, a subscribed entry's invalidation); never
 * while a fetch for the same argument runs, so concurrent callers share one call.
 *
 * <p>Implementations must be thread-safe: the client may call them from any thread, for different
 * arguments at the same time.
 *
 * @param <A> the query argument: a value with {@code equals}/{@code hashCode} (record, string, number),
 *     or {@code null} for endpoints without an argument
 * @param <R> the result
 */
@FunctionalInterface
public interface QueryFetcher<A, R> {

    /**
     * Fetches the result for {@code arg}. The returned {@code Mono} is subscribed once per attempt
     * (retries subscribe again); an error reaches every caller waiting for this fetch; an empty
     * {@code Mono} stores "no data" ({@code null}) as a successful result.
     *
     * @param arg the query argument, possibly {@code null}
     * @return the result, lazily
     */
    Mono<R> fetch(A arg);

    /**
     * Tags that the entry for {@code arg} provides once this result is cached, in addition to the tag
     * types of {@link QueryEndpoint#tags()}. {@link QueryClient#invalidateTags(Tag...)} matches them.
     * Called after every successful fetch; must not block.
     *
     * @param arg the query argument
     * @param result the fetched result, possibly {@code null}
     * @return the tags, never {@code null}
     */
    default Set<Tag> providesTags(A arg, R result) {
        return Set.of();
    }
}
