package dev.querycache;

import java.util.Set;
import reactor.core.publisher.Mono;

/** The fetch of a plain endpoint: one call of {@link QueryFetcher#fetch}, with timeout and retries. */
final class PlainBehavior implements FetchBehavior {

    private final QueryFetcher<Object, Object> fetcher;

    @SuppressWarnings("unchecked")
    PlainBehavior(QueryFetcher<?, ?> fetcher) {
        this.fetcher = (QueryFetcher<Object, Object>) fetcher;
    }

    @Override
    public Mono<Object> fetch(EndpointRuntime endpoint, Object arg, EntrySnapshot current, FetchRequest request) {
        Object userArg = EntryKey.userArg(arg);
        return endpoint.attempt(userArg, () -> fetcher.fetch(userArg));
    }

    @Override
    public Set<Tag> providedTags(Object arg, Object data) {
        return fetcher.providesTags(EntryKey.userArg(arg), data);
    }

    @Override
    public boolean hasNext(Object data) {
        return false;
    }

    @Override
    public boolean hasPrevious(Object data) {
        return false;
    }

    @Override
    public boolean isInfinite() {
        return false;
    }

    @Override
    public Object fetcher() {
        return fetcher;
    }
}
