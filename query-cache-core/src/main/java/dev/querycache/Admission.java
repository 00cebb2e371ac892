package dev.querycache;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Admission on probation, for integrations that let untrusted traffic (HTTP prefetch, preloads, browser
 * reads) make the cache create entries. Inside a gated call ({@link #call}, or a Reactor chain under
 * {@link #with}), an entry that does not exist yet is created only if the {@link Gate} admits it, and it is
 * then <em>on probation</em>: it takes no room of the endpoint's {@code maximumSize}, so however many such
 * entries are made, none of them can evict an entry that real traffic uses. The first read or write of the
 * entry from outside any gated call (the application's own {@code query}, {@code subscribe}, {@code watch},
 * {@code setData}) promotes it to an ordinary entry, once it holds fetched data; a read inside a gated call
 * promotes it only when the gate says so ({@link Gate#promotes}).
 *
 * <p>The gate bounds how many entries are on probation (the starter's web budget counts them per client and
 * per endpoint) and frees room with {@link #discard}. A refused creation creates nothing: a prefetch does
 * nothing, a {@code query} fails with {@link java.util.concurrent.RejectedExecutionException}.
 *
 * <p>Thread-safe. The gate is kept in a thread-local for the duration of {@link #call} and in the Reactor
 * Context for {@link #with}; with context-propagation on the classpath, Reactor also sets the thread-local
 * from the Context where it restores thread-locals (a {@code handle} operator; every operator with
 * automatic propagation). Neither costs anything on a hit of an ordinary entry.
 */
public final class Admission {

    /** Decides whether an entry may be created on probation. */
    @FunctionalInterface
    public interface Gate {
        /**
         * Called before the entry is created, with no lock of the cache held; must not block.
         *
         * @param endpoint the endpoint's name
         * @param principal the caller owning the entry ({@code PRINCIPAL} endpoints), else null
         * @param arg the entry's arg
         * @return whether to create it
         */
        boolean admit(String endpoint, String principal, Object arg);

        /**
         * Called when a gated call reads an existing entry on probation that holds fetched data: whether this
         * read is real use that promotes it to an ordinary entry (for example, a client other than the one
         * whose request created it). Called with no lock of the cache held; must not block. By default no
         * gated read promotes.
         *
         * @param endpoint the endpoint's name
         * @param principal the caller owning the entry ({@code PRINCIPAL} endpoints), else null
         * @param arg the entry's arg
         * @return whether to promote it
         */
        default boolean promotes(String endpoint, String principal, Object arg) {
            return false;
        }
    }

    /** What {@link #discard} did. */
    public enum Discarded {
        /** The entry was on probation and unused: it is gone. */
        DISCARDED,
        /** The entry is on probation but in use (a running fetch or a subscriber): kept. */
        IN_USE,
        /** The entry was promoted to an ordinary one (or never was on probation): nothing done. */
        NOT_ON_PROBATION,
        /** No such entry (not created yet, or already removed): nothing done. */
        ABSENT
    }

    static final ThreadLocal<Gate> CURRENT = new ThreadLocal<>();
    static final String CONTEXT_KEY = Admission.class.getName() + ".gate";

    static {
        QueryScopes.accessorsRegistered();   // the gate's accessor, so that Reactor sets it from the Context
    }

    private Admission() {
    }

    /** Runs {@code work} with {@code gate} deciding every entry it makes the cache create on this thread. */
    public static <T> T call(Gate gate, Supplier<T> work) {
        Objects.requireNonNull(gate, "gate");
        Gate previous = CURRENT.get();
        CURRENT.set(gate);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** For {@code contextWrite}: {@code gate} decides every entry the chain's queries create. */
    public static Function<Context, Context> with(Gate gate) {
        Objects.requireNonNull(gate, "gate");
        return ctx -> ctx.put(CONTEXT_KEY, gate);
    }

    /**
     * Removes the entry ({@code endpoint}, {@code principal}'s, {@code arg}) if it is still on probation and
     * unused, so that a gate can make room for another.
     *
     * @throws UnknownEndpointException for an endpoint the client does not have
     * @throws IllegalArgumentException for a client that is not query-cache's own
     */
    public static Discarded discard(QueryClient client, String endpoint, String principal, Object arg) {
        if (!(client instanceof DefaultQueryClient c)) {
            throw new IllegalArgumentException("not a query-cache QueryClient: " + client);
        }
        return c.discardOnProbation(endpoint, principal, arg);
    }

    /** The gate of the current thread, or null outside a gated call. */
    static Gate current() {
        return CURRENT.get();
    }

    /** The gate in {@code ctx}, or null. */
    static Gate current(ContextView ctx) {
        return ctx.getOrDefault(CONTEXT_KEY, null);
    }

    /**
     * {@code work}, run when the returned Mono is subscribed (cold), under the gate of this thread at the
     * time of this call if there is one, else the subscriber's Context's: a gated caller that builds a Mono
     * and subscribes it later stays gated.
     */
    static <T> reactor.core.publisher.Mono<T> deferGated(Supplier<reactor.core.publisher.Mono<T>> work) {
        Gate assembled = CURRENT.get();
        return reactor.core.publisher.Mono.deferContextual(ctx -> callUnder(assembled != null ? assembled : current(ctx), work));
    }

    /** Runs {@code work} under the gate of {@code ctx}, if it has one. */
    static <T> T callWith(ContextView ctx, Supplier<T> work) {
        return callUnder(current(ctx), work);
    }

    /** Runs {@code work} under {@code gate}, or as it is when there is none. */
    static <T> T callUnder(Gate gate, Supplier<T> work) {
        return gate == null ? work.get() : call(gate, work);
    }
}
