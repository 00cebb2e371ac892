package dev.querycache;

import java.util.function.Supplier;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The Reactor Context of the subscriber a query is answering, while the cache decides whether to fetch, so
 * that a fetch it starts (and a join) can be traced as the caller's ({@link dev.querycache.spi.FetchTracing}).
 * Set only when the client has a tracing; kept in a thread-local for the duration of one call. Thread-safe.
 */
final class CallerContext {

    private static final ThreadLocal<ContextView> CURRENT = new ThreadLocal<>();

    private CallerContext() {
    }

    /** The caller's context during {@link #call}, else an empty one. */
    static ContextView current() {
        ContextView c = CURRENT.get();
        return c != null ? c : Context.empty();
    }

    /** Makes {@code ctx} the caller's context; returns the previous one, for {@link #exit}. */
    static ContextView enter(ContextView ctx) {
        ContextView previous = CURRENT.get();
        CURRENT.set(ctx);
        return previous;
    }

    /** Restores what {@link #enter} returned. */
    static void exit(ContextView previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }

    /** Runs {@code work} with {@code ctx} as the caller's context, when {@code cache} traces fetches. */
    static <T> T call(CacheEngine cache, ContextView ctx, Supplier<T> work) {
        if (cache.tracing == null) {
            return work.get();
        }
        ContextView previous = enter(ctx);
        try {
            return work.get();
        } finally {
            exit(previous);
        }
    }
}
