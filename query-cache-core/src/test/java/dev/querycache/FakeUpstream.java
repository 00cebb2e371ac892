package dev.querycache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A small fake of a paginated upstream over a list of items "item-0", "item-1", ...: records every
 * request, can fail chosen requests, and can hold requests until the test releases them.
 */
final class FakeUpstream {

    final List<String> items = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    volatile Predicate<String> failWhen = r -> false;
    volatile boolean hold;
    private final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();

    FakeUpstream(int count) {
        IntStream.range(0, count).forEach(i -> items.add("item-" + i));
    }

    /** The items in [from, to), as a request named {@code request}. */
    Mono<List<String>> slice(String request, int from, int to) {
        return Mono.defer(() -> {
            requests.add(request);
            if (failWhen.test(request)) {
                return Mono.error(new IllegalStateException("upstream failed: " + request));
            }
            List<String> out = new ArrayList<>(items.subList(Math.max(0, Math.min(from, items.size())),
                    Math.max(0, Math.min(to, items.size()))));
            if (!hold) {
                return Mono.just(out);
            }
            Sinks.One<List<String>> sink = Sinks.one();
            held.add(() -> sink.tryEmitValue(out));
            return sink.asMono();
        });
    }

    /** Answers every held request. */
    void release() {
        hold = false;
        Runnable r;
        while ((r = held.poll()) != null) {
            r.run();
        }
    }

    int heldCount() {
        return held.size();
    }
}
