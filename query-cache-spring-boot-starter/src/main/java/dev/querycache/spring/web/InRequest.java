package dev.querycache.spring.web;

import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Runs the synchronous endpoint methods a web request needs ({@code prefetch}, {@code state}, a route's
 * preloads, and the assembly of a {@code query}) inside the request's reactive chain, in a {@code handle}
 * operator: there Reactor restores the caller, the request and the admission gate from the chain's
 * Context as thread-locals (the accessors the core registers), and puts back the previous values after.
 * {@code handle} does so with {@code spring.reactor.context-propagation} {@code auto} or {@code limited}.
 * So the web layer itself sets no thread-local. Stateless.
 */
final class InRequest {

    private InRequest() {
    }

    /** {@code work}'s result (empty for null), computed when the returned Mono is subscribed, in the subscriber's Context. */
    static <T> Mono<T> call(Supplier<T> work) {
        return Mono.just(work).handle((w, sink) -> {
            T value = w.get();
            if (value != null) {
                sink.next(value);
            }
        });
    }

    /** Runs {@code work} when the returned Mono is subscribed, in the subscriber's Context. */
    static Mono<Void> run(Runnable work) {
        return Mono.just(work).<Void>handle((w, sink) -> w.run()).then();
    }
}
