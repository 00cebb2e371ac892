package dev.querycache;

/**
 * Who shares an endpoint's entries: an option of the endpoint ({@link QueryEndpoint#scope()},
 * {@link EndpointOptions.Builder#scope}). Not to be confused with {@link QueryScopes}, the static helpers
 * that say who is asking, or with {@link RequestScope}, the state of one running request that
 * {@code REQUEST} entries live in. {@code PRINCIPAL} and {@code REQUEST} endpoints need a caller or a
 * request in the Reactor Context (see {@link QueryScopes}); without one they fail with an
 * {@link IllegalStateException} naming the endpoint and the scope.
 */
public enum QueryScope {
    /** One entry per argument, shared by every caller of the service. */
    SHARED,
    /** One entry per argument and caller; the fetcher sees the caller in its Context. */
    PRINCIPAL,
    /** One entry per argument and request ({@link RequestScope}), de-duplicated within it, never in the shared cache. */
    REQUEST
}
