package dev.querycache.bench;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * Takes a value the way WebFlux's response writer would: subscribes, requests unbounded, keeps the
 * value. One per benchmark thread, reused for every op.
 */
public final class Taker implements CoreSubscriber<Object> {

    Object value;
    Throwable error;

    @Override
    public void onSubscribe(Subscription s) {
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(Object v) {
        value = v;
    }

    @Override
    public void onError(Throwable t) {
        error = t;
    }

    @Override
    public void onComplete() {
    }

    /** The value delivered since the last call (null when none was delivered synchronously). */
    Object take() {
        Object v = value;
        value = null;
        return v;
    }
}
