package dev.querycache.spring.state;

/**
 * The JSON shapes {@link DehydratedStateJson} can write a page's state in, so that the browser cache the
 * front end already uses starts from it without a request. Set per call, or for every page with
 * {@code query-cache.web.state-format}.
 */
public enum StateFormat {

    /**
     * query-cache's own ({@code query-cache}, the default): what {@link DehydratedStateJson#read} and another
     * query-cache instance read.
     */
    QUERY_CACHE,

    /**
     * TanStack Query v5's {@code DehydratedState} ({@code tanstack}), for {@code hydrate(queryClient, state)}:
     * query key {@code [endpoint, arg]} (arg {@code null} for no-arg endpoints), {@code queryHash} exactly as
     * TanStack's default {@code hashKey} computes it, infinite entries as {@code {pages, pageParams}}.
     */
    TANSTACK,

    /**
     * The api slice state of an RTK Query {@code createApi} ({@code rtk-query}), for its
     * {@code extractRehydrationInfo}: cache keys as {@code defaultSerializeQueryArgs} writes them,
     * {@code endpoint(<arg as sorted JSON>)} ({@code endpoint(undefined)} for no-arg endpoints), every entry
     * {@code fulfilled}, with the tags it provides.
     */
    RTK_QUERY
}
