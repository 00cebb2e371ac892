package dev.querycache;

/**
 * The key of an entry in the Caffeine store: endpoint identity plus the arg (or {@link EndpointRuntime#NULL_ARG}).
 * Made once per entry; the hit path looks entries up by arg in {@link EndpointRuntime} and never builds one.
 */
record QueryKey(EndpointRuntime endpoint, Object arg) {
}
