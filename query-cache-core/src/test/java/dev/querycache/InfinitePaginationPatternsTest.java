package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The four pagination patterns of the RTK Query infinite-query guide, each against a fake upstream. */
class InfinitePaginationPatternsTest {

    private final FakeUpstream upstream = new FakeUpstream(10);

    // 1. Plain page numbers: the next param is the last param + 1 until a page comes back empty.
    @InfiniteQueryEndpoint
    static final class PlainPageNumbers implements InfiniteQueryFetcher<String, Integer, List<String>> {
        final FakeUpstream upstream;
        PlainPageNumbers(FakeUpstream upstream) { this.upstream = upstream; }
        @Override public Integer initialPageParam() { return 1; }
        @Override public Mono<List<String>> fetchPage(String arg, Integer page) {
            return upstream.slice("page=" + page, (page - 1) * 4, page * 4);
        }
        @Override public Integer getNextPageParam(List<String> last, List<List<String>> all, Integer lastParam, List<Integer> params) {
            return last.isEmpty() ? null : lastParam + 1;
        }
        @Override public Integer getPreviousPageParam(List<String> first, List<List<String>> all, Integer firstParam, List<Integer> params) {
            return firstParam > 1 ? firstParam - 1 : null;
        }
    }

    @Test
    void plainPageNumbers() {
        try (QueryClient client = QueryClient.builder().infiniteEndpoint(new PlainPageNumbers(upstream)).build()) {
            InfiniteEndpoint<String, Integer, List<String>> e = client.infiniteEndpoint(PlainPageNumbers.class);
            assertThat(e.name()).isEqualTo("plainPageNumbers");
            e.query("all").block();
            e.fetchNextPage("all").block();
            InfiniteData<List<String>, Integer> d = e.fetchNextPage("all").block();
            assertThat(d.pageParams()).containsExactly(1, 2, 3);
            assertThat(d.pages().get(2)).containsExactly("item-8", "item-9");
            assertThat(e.fetchNextPage("all").block().pages().get(3)).isEmpty();
            assertThat(e.state("all").hasNextPage()).isFalse();
            assertThat(upstream.requests).containsExactly("page=1", "page=2", "page=3", "page=4");
        }
    }

    // 2. Page + size, with totalPages in the response.
    record PageRequest(int page, int size) { }
    record PageResponse(List<String> items, int page, int totalPages) { }

    static final class PageAndSize implements InfiniteQueryFetcher<String, PageRequest, PageResponse> {
        final FakeUpstream upstream;
        PageAndSize(FakeUpstream upstream) { this.upstream = upstream; }
        @Override public PageRequest initialPageParam() { return new PageRequest(1, 3); }
        @Override public Mono<PageResponse> fetchPage(String arg, PageRequest p) {
            int total = (upstream.items.size() + p.size() - 1) / p.size();
            return upstream.slice("page=" + p.page() + "&size=" + p.size(), (p.page() - 1) * p.size(), p.page() * p.size())
                    .map(items -> new PageResponse(items, p.page(), total));
        }
        @Override public PageRequest getNextPageParam(PageResponse last, List<PageResponse> all, PageRequest lastParam, List<PageRequest> params) {
            return last.page() < last.totalPages() ? new PageRequest(last.page() + 1, lastParam.size()) : null;
        }
        @Override public PageRequest getPreviousPageParam(PageResponse first, List<PageResponse> all, PageRequest firstParam, List<PageRequest> params) {
            return first.page() > 1 ? new PageRequest(first.page() - 1, firstParam.size()) : null;
        }
    }

    @Test
    void pageAndSizeWithTotalPages() {
        try (QueryClient client = QueryClient.builder()
                .infiniteEndpoint("catalogue", new PageAndSize(upstream), EndpointOptions.none()).build()) {
            InfiniteEndpoint<Object, Object, Object> e = client.infiniteEndpoint("catalogue");
            e.query("all", new PageRequest(2, 3)).block();
            assertThat(e.state("all").hasPreviousPage()).isTrue();
            e.fetchPreviousPage("all").block();
            e.fetchNextPage("all").block();
            e.fetchNextPage("all").block();
            InfiniteData<Object, Object> d = e.fetchNextPage("all").block();
            assertThat(d.pageParams()).containsExactly(new PageRequest(1, 3), new PageRequest(2, 3),
                    new PageRequest(3, 3), new PageRequest(4, 3));
            assertThat(((PageResponse) d.pages().get(3)).items()).containsExactly("item-9");
            assertThat(e.state("all").hasNextPage()).isFalse();
            assertThat(e.state("all").hasPreviousPage()).isFalse();
        }
    }

    // 3. Bidirectional cursors: the response carries startCursor/endCursor and hasNext/hasPrevious.
    record Cursor(String after, String before) { }
    record CursorPage(List<String> items, String startCursor, String endCursor, boolean hasNextPage, boolean hasPreviousPage) { }

    static final class Cursors implements InfiniteQueryFetcher<String, Cursor, CursorPage> {
        static final int SIZE = 3;
        final FakeUpstream upstream;
        Cursors(FakeUpstream upstream) { this.upstream = upstream; }
        @Override public Cursor initialPageParam() { return new Cursor("", null); }
        @Override public Mono<CursorPage> fetchPage(String arg, Cursor c) {
            int from;
            if (c.before() != null) {
                from = Math.max(0, upstream.items.indexOf(c.before()) - SIZE);
            } else {
                from = c.after().isEmpty() ? 0 : upstream.items.indexOf(c.after()) + 1;
            }
            int to = c.before() != null ? upstream.items.indexOf(c.before()) : from + SIZE;
            String request = c.before() != null ? "before=" + c.before() : "after=" + c.after();
            return upstream.slice(request, from, to).map(items -> new CursorPage(items, items.get(0),
                    items.get(items.size() - 1), to < upstream.items.size(), from > 0));
        }
        @Override public Cursor getNextPageParam(CursorPage last, List<CursorPage> all, Cursor lastParam, List<Cursor> params) {
            return last.hasNextPage() ? new Cursor(last.endCursor(), null) : null;
        }
        @Override public Cursor getPreviousPageParam(CursorPage first, List<CursorPage> all, Cursor firstParam, List<Cursor> params) {
            return first.hasPreviousPage() ? new Cursor(null, first.startCursor()) : null;
        }
    }

    @Test
    void bidirectionalCursors() {
        try (QueryClient client = QueryClient.builder()
                .infiniteEndpoint("feed", new Cursors(upstream), EndpointOptions.none()).build()) {
            InfiniteEndpoint<Object, Object, Object> e = client.infiniteEndpoint("feed");
            assertThat(e.query("all", new Cursor("item-4", null)).block().pages())
                    .singleElement().satisfies(p -> assertThat(((CursorPage) p).items()).containsExactly("item-5", "item-6", "item-7"));
            e.fetchNextPage("all").block();
            assertThat(e.state("all").hasNextPage()).isFalse();
            e.fetchPreviousPage("all").block();
            InfiniteData<Object, Object> d = e.fetchPreviousPage("all").block();
            assertThat(d.pages()).extracting(p -> ((CursorPage) p).items()).containsExactly(
                    List.of("item-0", "item-1"), List.of("item-2", "item-3", "item-4"),
                    List.of("item-5", "item-6", "item-7"), List.of("item-8", "item-9"));
            assertThat(e.state("all").hasPreviousPage()).isFalse();
            assertThat(upstream.requests).containsExactly("after=item-4", "after=item-7", "before=item-5", "before=item-2");

            // the empty initial cursor "" is a valid (falsy) param: a refetch starts from the first cached one
            upstream.requests.clear();
            e.refetch("all").block();
            assertThat(upstream.requests).containsExactly("before=item-2", "after=item-1", "after=item-4", "after=item-7");
        }
    }

    // 4. Limit + offset, with a total count.
    record OffsetPage(List<String> items, int total) { }

    static final class LimitOffset implements InfiniteQueryFetcher<String, Integer, OffsetPage> {
        static final int LIMIT = 4;
        final FakeUpstream upstream;
        LimitOffset(FakeUpstream upstream) { this.upstream = upstream; }
        @Override public Integer initialPageParam() { return 0; }
        @Override public Mono<OffsetPage> fetchPage(String arg, Integer offset) {
            return upstream.slice("offset=" + offset + "&limit=" + LIMIT, offset, offset + LIMIT)
                    .map(items -> new OffsetPage(items, upstream.items.size()));
        }
        @Override public Integer getNextPageParam(OffsetPage last, List<OffsetPage> all, Integer lastOffset, List<Integer> params) {
            int next = lastOffset + LIMIT;
            return next < last.total() ? next : null;
        }
        @Override public Integer getPreviousPageParam(OffsetPage first, List<OffsetPage> all, Integer firstOffset, List<Integer> params) {
            return firstOffset > 0 ? Math.max(0, firstOffset - LIMIT) : null;
        }
    }

    @Test
    void limitAndOffsetWithATotalCount() {
        try (QueryClient client = QueryClient.builder()
                .infiniteEndpoint("items", new LimitOffset(upstream), EndpointOptions.none()).build()) {
            InfiniteEndpoint<Object, Object, Object> e = client.infiniteEndpoint("items");
            e.prefetch("all", PrefetchOptions.pages(5));
            InfiniteData<Object, Object> d = e.state("all").data();
            assertThat(d.pageParams()).as("offset 0 is a valid first param").containsExactly(0, 4, 8);
            assertThat(d.pages()).extracting(p -> ((OffsetPage) p).items().size()).containsExactly(4, 4, 2);
            assertThat(e.state("all").hasNextPage()).isFalse();
            assertThat(upstream.requests).containsExactly("offset=0&limit=4", "offset=4&limit=4", "offset=8&limit=4");
        }
    }
}
