/**
 * Integration hooks: what a cluster transport ({@link dev.querycache.spi.InvalidationBus}), metrics
 * ({@link dev.querycache.spi.FetchObserver}), tracing ({@link dev.querycache.spi.FetchTracing}) and a second
 * cache level shared by the instances
 * ({@link dev.querycache.spi.SharedLevel}) implement, and what they exchange with the client
 * ({@link dev.querycache.spi.Invalidation}). Applications configure these through
 * {@link dev.querycache.QueryClient.Builder} (the Spring Boot starter does it from properties); they do not
 * call them. The user API is {@code dev.querycache}; the engine behind it is package-private there.
 * {@code Admission} (the gate for entries that untrusted traffic creates) stays in {@code dev.querycache}
 * because it reaches into the engine.
 */
package dev.querycache.spi;
