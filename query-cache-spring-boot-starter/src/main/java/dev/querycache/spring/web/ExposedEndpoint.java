package dev.querycache.spring.web;

import dev.querycache.Endpoint;
import dev.querycache.InfiniteEndpoint;
import dev.querycache.PrefetchOptions;
import dev.querycache.QueryState;
import dev.querycache.QueryStatus;
import dev.querycache.spring.internal.EndpointTypes;
import reactor.core.publisher.Mono;

/**
 * One web request's endpoint, resolved once per request by {@link ExposedEndpoints#resolve}: its name, its
 * JSON types and the client's facade for it, with the caller the request's Context carries. The
 * synchronous methods run inside {@link InRequest}, where the caller, the request and the admission gate are
 * those of the request's Context. Immutable.
 *
 * @param caller the request's caller, or null (anonymous; never for a {@code PRINCIPAL} endpoint)
 */
record ExposedEndpoint(String name, EndpointTypes.Types types, String caller, Endpoint<Object, Object> plain,
                       InfiniteEndpoint<Object, Object, Object> infinite) {

    boolean isInfinite() {
        return infinite != null;
    }

    /** The entry's data through the cache (an infinite entry's first pages); assemble it inside {@link InRequest}. */
    Mono<?> query(Object arg) {
        return isInfinite() ? infinite.query(arg) : plain.query(arg);
    }

    /** Whether the caller's entry is cached or being fetched; reading it creates nothing. Inside {@link InRequest}. */
    boolean exists(Object arg) {
        QueryState<?> state = isInfinite() ? infinite.state(arg) : plain.state(arg);
        return state.status() != QueryStatus.UNINITIALIZED || state.isFetching();
    }

    /** Warms the caller's entry ({@code pages} pages of an infinite one). Inside {@link InRequest}. */
    void prefetch(Object arg, int pages) {
        if (isInfinite()) {
            infinite.prefetch(arg, PrefetchOptions.pages(pages));
        } else {
            plain.prefetch(arg);
        }
    }
}
