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
 * <p>Threads: {@code fetch} is called, and its {@code Mono} subscribed, on the thread that starts the fetch:
 * the caller's for {@code query}, {@code refetch} or {@code prefetch} of a local miss; the client's scheduler
 * (Reactor's {@code parallel} by default) for polling and retries; a {@code parallel} worker for an
 * invalidation received from another instance and, with the Spring starter's Redis shared level, for every
 * fetch that follows an answer from Redis (a lease taken, a wait ended, a takeover, Redis found down). Never
 * on a Redis client's I/O thread. Do not block in it: return a non-blocking {@code Mono} (WebClient, R2DBC),
 * or move blocking work off with {@code subscribeOn(Schedulers.boundedElastic())}; Reactor refuses
 * {@code block()} on its {@code parallel} threads.
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
