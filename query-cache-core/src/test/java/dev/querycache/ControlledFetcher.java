package dev.querycache;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** A fetcher whose fetches stay pending until the test settles them. Counts calls per arg. */
class ControlledFetcher implements QueryFetcher<String, String> {

    record Pending(String arg, Sinks.One<String> sink) {
    }

    final AtomicInteger calls = new AtomicInteger();
    final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    volatile BiFunction<String, String, Set<Tag>> tags = (a, r) -> Set.of();

    @Override
    public Mono<String> fetch(String arg) {
        calls.incrementAndGet();
        Sinks.One<String> sink = Sinks.one();
        pending.add(new Pending(arg, sink));
        return sink.asMono();
    }

    @Override
    public Set<Tag> providesTags(String arg, String result) {
        return tags.apply(arg, result);
    }

    /** Completes the oldest pending fetch with {@code value}. */
    void completeNext(String value) {
        Pending p = pending.poll();
        if (p == null) {
            throw new AssertionError("no pending fetch");
        }
        p.sink().tryEmitValue(value);
    }

    /** Fails the oldest pending fetch. */
    void failNext(Throwable e) {
        Pending p = pending.poll();
        if (p == null) {
            throw new AssertionError("no pending fetch");
        }
        p.sink().tryEmitError(e);
    }

    List<String> pendingArgs() {
        List<String> out = new ArrayList<>();
        pending.forEach(p -> out.add(p.arg()));
        return out;
    }
}
