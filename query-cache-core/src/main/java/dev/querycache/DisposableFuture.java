package dev.querycache;

import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;

/** A Reactor timer seen as the {@link Future} that Caffeine's {@code Scheduler} port returns. */
final class DisposableFuture implements Future<Object> {

    private final Disposable timer;

    DisposableFuture(Disposable timer) {
        this.timer = timer;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        timer.dispose();
        return true;
    }

    @Override
    public boolean isCancelled() {
        return timer.isDisposed();
    }

    @Override
    public boolean isDone() {
        return timer.isDisposed();
    }

    @Override
    public Object get() {
        throw new UnsupportedOperationException("a cache timer has no result");
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
        throw new UnsupportedOperationException("a cache timer has no result");
    }
}
