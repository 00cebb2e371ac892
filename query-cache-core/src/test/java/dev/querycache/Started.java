package dev.querycache;

import reactor.core.publisher.Mono;

/** Subscribes a (cold) Mono now and keeps its outcome, for tests that start a call and look at it later. */
final class Started {

    private Started() {
    }

    /** {@code mono} subscribed now; the returned Mono replays its outcome to every later subscriber. */
    static <T> Mono<T> now(Mono<T> mono) {
        Mono<T> kept = mono.cache();
        kept.subscribe(v -> { }, e -> { });
        return kept;
    }
}
