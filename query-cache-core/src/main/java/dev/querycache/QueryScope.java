package dev.querycache;

/**
 * Who shares an endpoint's entries. This version of the core implements {@link #SHARED}; the other
 * scopes are declared so that annotations compile, and a client refuses to build with them.
 */
public enum QueryScope {
    /** One entry per argument, shared by every caller of the service. */
    SHARED,
    /** One entry per argument and caller. */
    PRINCIPAL,
    /** One entry per argument and request, gone when the request ends. */
    REQUEST
}
