package dev.querycache;

import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.FluxSink;

/** One {@code watch} flux: receives states in version order, never an older one after a newer. Thread-safe. */
final class Watcher {

    private final FluxSink<Object> sink;
    private final AtomicLong lastVersion = new AtomicLong(-1);

    Watcher(FluxSink<Object> sink) {
        this.sink = sink;
    }

    void offer(EndpointRuntime endpoint, Object key, EntrySnapshot s) {
        long last;
        do {
            last = lastVersion.get();
            if (s.version <= last) {
                return;
            }
        } while (!lastVersion.compareAndSet(last, s.version));
        sink.next(StateView.of(endpoint, key, s));
    }

    void complete() {
        sink.complete();
    }
}
