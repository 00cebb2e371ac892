package dev.querycache;

/**
 * Who shares an endpoint's entries. {@code PRINCIPAL} and {@code REQUEST} endpoints need a caller or a
 * request in the Reactor Context (see {@link QueryScopes}); without one they fail, naming the endpoint
 * and the scope.
 */
public enum QueryScope {
    /** One entry per argument, shared by every caller of the service. */
    SHARED,
    /** One entry per argument and caller; the fetcher sees the caller in its Context. */
    PRINCIPAL,
    /** One entry per argument and request ({@link RequestScope}), de-duplicated within it, never in the shared cache. */
    REQUEST
}
