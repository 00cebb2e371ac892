package dev.querycache;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * The page loop of an infinite endpoint. Every page request gets the endpoint's timeout and retries.
 * <ul>
 *   <li>{@link FetchKind#NEXT} / {@link FetchKind#PREVIOUS}: one page appended / prepended (the first page
 *       when the entry is empty); pages beyond maxPages are dropped from the other end; a null param
 *       fetches nothing and yields the current pages.</li>
 *   <li>{@link FetchKind#REFRESH} of an empty entry: the first page, then up to {@code request.pages()}
 *       pages following {@code getNextPageParam}.</li>
 *   <li>{@link FetchKind#REFRESH} of cached pages: every cached page again, in order, from the first
 *       cached param, each next param recomputed from the fresh pages, stopping early at null (only the
 *       first page with refetchCachedPages=false). The new pages replace the old ones only when the whole
 *       loop succeeded.</li>
 * </ul>
 */
final class InfiniteBehavior implements FetchBehavior {

    private final InfiniteQueryFetcher<Object, Object, Object> fetcher;

    @SuppressWarnings("unchecked")
    InfiniteBehavior(InfiniteQueryFetcher<?, ?, ?> fetcher) {
        this.fetcher = (InfiniteQueryFetcher<Object, Object, Object>) fetcher;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Mono<Object> fetch(EndpointRuntime endpoint, Object arg, EntrySnapshot current, FetchRequest request) {
        InfiniteData<Object, Object> cached = current.hasData ? (InfiniteData<Object, Object>) current.data : null;
        int maxPages = endpoint.options().maxPages();
        if (cached == null || cached.isEmpty()) {
            Object first = request.initialPageParam() != null ? request.initialPageParam() : fetcher.initialPageParam();
            int pages = request.kind() == FetchKind.REFRESH && request.pages() > 0 ? request.pages() : 1;
            return loadForward(endpoint, arg, InfiniteData.empty(), first, pages)
                    .map(d -> trim(d, maxPages, true));
        }
        switch (request.kind()) {
            case NEXT: {
                Object param = nextParam(cached);
                if (param == null) {
                    return Mono.just(cached);
                }
                return page(endpoint, arg, param).map(p -> trim(with(cached, p, param, true), maxPages, true));
            }
            case PREVIOUS: {
                Object param = previousParam(cached);
                if (param == null) {
                    return Mono.just(cached);
                }
                return page(endpoint, arg, param).map(p -> trim(with(cached, p, param, false), maxPages, false));
            }
            default: {
                // TanStack: pages ?? oldPages.length; with refetchCachedPages=false only the first page
                int count = request.pages() > 0 ? request.pages()
                        : endpoint.options().refetchCachedPages() ? cached.pages().size() : 1;
                return loadForward(endpoint, arg, InfiniteData.empty(), cached.pageParams().get(0), count)
                        .map(d -> trim(d, maxPages, true));
            }
        }
    }

    private Mono<InfiniteData<Object, Object>> loadForward(EndpointRuntime endpoint, Object arg,
                                                           InfiniteData<Object, Object> acc, Object param, int remaining) {
        return page(endpoint, arg, param).flatMap(p -> {
            InfiniteData<Object, Object> next = with(acc, p, param, true);
            if (remaining <= 1) {
                return Mono.just(next);
            }
            Object np = nextParam(next);
            return np == null ? Mono.just(next) : loadForward(endpoint, arg, next, np, remaining - 1);
        });
    }

    private Mono<Object> page(EndpointRuntime endpoint, Object arg, Object param) {
        Object userArg = EntryKey.userArg(arg);
        return endpoint.attempt(userArg, () -> fetcher.fetchPage(userArg, param));
    }

    private Object nextParam(InfiniteData<Object, Object> d) {
        int last = d.pages().size() - 1;
        return fetcher.getNextPageParam(d.pages().get(last), d.pages(), d.pageParams().get(last), d.pageParams());
    }

    private Object previousParam(InfiniteData<Object, Object> d) {
        return fetcher.getPreviousPageParam(d.pages().get(0), d.pages(), d.pageParams().get(0), d.pageParams());
    }

    private static InfiniteData<Object, Object> with(InfiniteData<Object, Object> d, Object page, Object param,
                                                     boolean append) {
        List<Object> pages = new ArrayList<>(d.pages().size() + 1);
        List<Object> params = new ArrayList<>(d.pages().size() + 1);
        if (!append) {
            pages.add(page);
            params.add(param);
        }
        pages.addAll(d.pages());
        params.addAll(d.pageParams());
        if (append) {
            pages.add(page);
            params.add(param);
        }
        return new InfiniteData<>(pages, params);
    }

    /** Drops pages beyond {@code maxPages} (0 = unlimited) from the start when appending, else from the end. */
    private static InfiniteData<Object, Object> trim(InfiniteData<Object, Object> d, int maxPages, boolean appended) {
        int size = d.pages().size();
        if (maxPages == 0 || size <= maxPages) {
            return d;
        }
        int from = appended ? size - maxPages : 0;
        return new InfiniteData<>(d.pages().subList(from, from + maxPages), d.pageParams().subList(from, from + maxPages));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Set<Tag> providedTags(Object arg, Object data) {
        return fetcher.providesTags(EntryKey.userArg(arg), (InfiniteData<Object, Object>) data);
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean hasNext(Object data) {
        InfiniteData<Object, Object> d = (InfiniteData<Object, Object>) data;
        return d != null && !d.isEmpty() && nextParam(d) != null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean hasPrevious(Object data) {
        InfiniteData<Object, Object> d = (InfiniteData<Object, Object>) data;
        return d != null && !d.isEmpty() && previousParam(d) != null;
    }

    @Override
    public boolean isInfinite() {
        return true;
    }

    @Override
    public Object fetcher() {
        return fetcher;
    }
}
