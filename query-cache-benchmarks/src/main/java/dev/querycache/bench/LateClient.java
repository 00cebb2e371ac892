package dev.querycache.bench;

import dev.querycache.QueryClient;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The client an instance's Redis parts need before it exists (as Spring hands them an {@code ObjectProvider}):
 * set once the client is built. Thread-safe.
 */
final class LateClient implements ObjectProvider<QueryClient> {

    private final AtomicReference<QueryClient> ref = new AtomicReference<>();

    void set(QueryClient client) {
        ref.set(client);
    }

    @Override
    public QueryClient getObject() {
        return ref.get();
    }

    @Override
    public QueryClient getObject(Object... args) {
        return ref.get();
    }

    @Override
    public QueryClient getIfAvailable() {
        return ref.get();
    }

    @Override
    public QueryClient getIfUnique() {
        return ref.get();
    }
}
