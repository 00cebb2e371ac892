package dev.querycache;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;

/** Answers at once with {@code arg + "#" + n}, n counting the calls for that arg from 1. */
class CountingFetcher implements QueryFetcher<String, String> {

    final AtomicInteger calls = new AtomicInteger();
    final Map<String, AtomicInteger> perArg = new ConcurrentHashMap<>();
    volatile BiFunction<String, String, Set<Tag>> tags = (a, r) -> Set.of();
    /** When set, the next call (counted) fails with "boom". */
    volatile boolean failNext;

    @Override
    public Mono<String> fetch(String arg) {
        return Mono.fromSupplier(() -> {
            calls.incrementAndGet();
            if (failNext) {
                failNext = false;
                perArg.computeIfAbsent(String.valueOf(arg), k -> new AtomicInteger()).incrementAndGet();
                throw new IllegalStateException("boom");
            }
            return arg + "#" + perArg.computeIfAbsent(String.valueOf(arg), k -> new AtomicInteger()).incrementAndGet();
        });
    }

    @Override
    public Set<Tag> providesTags(String arg, String result) {
        return tags.apply(arg, result);
    }

    int callsFor(String arg) {
        AtomicInteger n = perArg.get(arg);
        return n == null ? 0 : n.get();
    }
}
