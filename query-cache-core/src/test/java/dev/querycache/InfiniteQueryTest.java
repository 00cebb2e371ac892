package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Behaviour 7 of the contract, rule by rule, on a page-number endpoint with 3 items a page. */
class InfiniteQueryTest {

    static final int SIZE = 3;

    /** Pages numbered from the param; next until the upstream runs out, previous down to page 0. */
    static final class Pages implements InfiniteQueryFetcher<String, Integer, List<String>> {
        final FakeUpstream upstream;

        Pages(FakeUpstream upstream) {
            this.upstream = upstream;
        }

        @Override
        public Integer initialPageParam() {
            return 1;
        }

        @Override
        public Mono<List<String>> fetchPage(String arg, Integer page) {
            return upstream.slice(arg + "/" + page, page * SIZE, (page + 1) * SIZE);
        }

        @Override
        public Integer getNextPageParam(List<String> lastPage, List<List<String>> allPages, Integer lastParam,
                                        List<Integer> allParams) {
            return (lastParam + 1) * SIZE < upstream.items.size() ? lastParam + 1 : null;
        }

        @Override
        public Integer getPreviousPageParam(List<String> firstPage, List<List<String>> allPages, Integer firstParam,
                                            List<Integer> allParams) {
            return firstParam > 0 ? firstParam - 1 : null;
        }

        @Override
        public Set<Tag> providesTags(String arg, InfiniteData<List<String>, Integer> data) {
            return Set.of(Tag.of("List", arg));
        }
    }

    private final VirtualClock clock = new VirtualClock();
    private final FakeUpstream upstream = new FakeUpstream(15); // pages 0..4

    private QueryClient client(EndpointOptions options) {
        return QueryClient.builder().scheduler(clock.scheduler)
                .infiniteEndpoint("pages", new Pages(upstream), options).build();
    }

    private InfiniteEndpoint<String, Integer, List<String>> pages(QueryClient client) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        InfiniteEndpoint<String, Integer, List<String>> e = (InfiniteEndpoint) client.infiniteEndpoint("pages");
        return e;
    }

    @Test
    void fetchNextPageOnAnEmptyEntryFetchesTheFirstPage() {
        try (QueryClient client = client(EndpointOptions.none())) {
            InfiniteData<List<String>, Integer> d = pages(client).fetchNextPage("a").block();
            assertThat(d.pageParams()).containsExactly(1);
            assertThat(d.pages()).containsExactly(List.of("item-3", "item-4", "item-5"));
            assertThat(upstream.requests).containsExactly("a/1");
        }
    }

    @Test
    void theCallSiteInitialPageParamIsUsedOnlyWhenNothingIsCached() {
        try (QueryClient client = client(EndpointOptions.none())) {
            var e = pages(client);
            assertThat(e.query("a", 3).block().pageParams()).containsExactly(3);
            assertThat(e.query("a", 0).block().pageParams()).containsExactly(3);
            assertThat(upstream.requests).containsExactly("a/3");
        }
    }

    @Test
    void nextAndPreviousAppendAndPrepend() {
        try (QueryClient client = client(EndpointOptions.none())) {
            var e = pages(client);
            e.query("a").block();
            e.fetchNextPage("a").block();
            InfiniteData<List<String>, Integer> d = e.fetchPreviousPage("a").block();
            assertThat(d.pageParams()).containsExactly(0, 1, 2);
            assertThat(d.pages().get(0)).containsExactly("item-0", "item-1", "item-2");
            assertThat(d.pages().get(2)).containsExactly("item-6", "item-7", "item-8");
            assertThat(e.state("a").data()).isEqualTo(d);
        }
    }

    @Test
    void aNullParamMeansTheEndOfTheListNoRequestNoError() {
        try (QueryClient client = client(EndpointOptions.none())) {
            var e = pages(client);
            e.query("a", 4).block();
            assertThat(e.state("a").hasNextPage()).isFalse();
            int before = upstream.requests.size();
            InfiniteData<List<String>, Integer> d = e.fetchNextPage("a").block();
            assertThat(d.pageParams()).containsExactly(4);
            assertThat(upstream.requests).hasSize(before);
            e.fetchPreviousPage("a").block();
            e.fetchPreviousPage("a").block();
            e.fetchPreviousPage("a").block();
            e.fetchPreviousPage("a").block();
            assertThat(e.state("a").hasPreviousPage()).isFalse();
            before = upstream.requests.size();
            assertThat(e.fetchPreviousPage("a").block().pageParams()).containsExactly(0, 1, 2, 3, 4);
            assertThat(upstream.requests).hasSize(before);
            assertThat(e.state("a").status()).isEqualTo(QueryStatus.SUCCESS);
        }
    }

    @Test
    void falsyParamsAreValid() {
        try (QueryClient client = client(EndpointOptions.none())) {
            var e = pages(client);
            assertThat(e.query("a", 0).block().pageParams()).containsExactly(0);
            assertThat(upstream.requests).containsExactly("a/0");
            assertThat(e.state("a").hasNextPage()).isTrue();
        }
    }

    @Test
    void concurrentPageFetchesOfOneEntryMakeOneRequestAndShareTheResult() {
        try (QueryClient client = client(EndpointOptions.none())) {
            var e = pages(client);
            e.query("a").block();
            upstream.hold = true;
            Mono<InfiniteData<List<String>, Integer>> first = Started.now(e.fetchNextPage("a"));
            Mono<InfiniteData<List<String>, Integer>> second = Started.now(e.fetchNextPage("a"));
            Mono<InfiniteData<List<String>, Integer>> third = Started.now(e.fetchPreviousPage("a"));
            assertThat(upstream.heldCount()).isEqualTo(1);
            upstream.release();
            assertThat(first.block().pageParams()).containsExactly(1, 2);
            assertThat(second.block()).isEqualTo(first.block());
            assertThat(third.block()).isEqualTo(first.block());
            assertThat(upstream.requests).containsExactly("a/1", "a/2");
        }
    }

    @Test
    void maxPagesDropsPagesFromTheOtherEndInBothDirections() {
        try (QueryClient client = client(EndpointOptions.builder().maxPages(2).build())) {
            var e = pages(client);
            e.query("a", 1).block();
            e.fetchNextPage("a").block();
            assertThat(e.fetchNextPage("a").block().pageParams()).containsExactly(2, 3);
            assertThat(e.fetchPreviousPage("a").block().pageParams()).containsExactly(1, 2);
            assertThat(e.fetchPreviousPage("a").block().pageParams()).containsExactly(0, 1);
        }
    }

    @Test
    void refetchFetchesEveryCachedPageInOrderAndSwapsThemInAtOnce() {
        try (QueryClient client = client(EndpointOptions.none())) {
            var e = pages(client);
            e.query("a", 0).block();
            e.fetchNextPage("a").block();
            e.fetchNextPage("a").block();
            upstream.requests.clear();
            upstream.items.set(0, "item-0-v2");
            upstream.hold = true;
            Mono<InfiniteData<List<String>, Integer>> refetch = e.refetch("a");
            assertThat(e.state("a").data().pages().get(0)).as("old pages stay visible").contains("item-0");
            upstream.release();
            InfiniteData<List<String>, Integer> d = refetch.block();
            assertThat(upstream.requests).containsExactly("a/0", "a/1", "a/2");
            assertThat(d.pageParams()).containsExactly(0, 1, 2);
            assertThat(d.pages().get(0)).contains("item-0-v2");
        }
    }

    @Test
    void refetchRecomputesParamsFromTheFreshPagesAndStopsEarlyOnNull() {
        try (QueryClient client = client(EndpointOptions.none())) {
            var e = pages(client);
            e.query("a", 0).block();
            e.fetchNextPage("a").block();
            e.fetchNextPage("a").block();
            upstream.items.subList(5, upstream.items.size()).clear(); // now 5 items: pages 0 and 1 only
            upstream.requests.clear();
            InfiniteData<List<String>, Integer> d = e.refetch("a").block();
            assertThat(upstream.requests).containsExactly("a/0", "a/1");
            assertThat(d.pageParams()).containsExactly(0, 1);
            assertThat(e.state("a").hasNextPage()).isFalse();
        }
    }

    @Test
    void withRefetchCachedPagesFalseARefetchKeepsOnlyTheFirstPage() {
        try (QueryClient client = client(EndpointOptions.builder().refetchCachedPages(false).build())) {
            var e = pages(client);
            e.query("a", 0).block();
            e.fetchNextPage("a").block();
            upstream.requests.clear();
            assertThat(e.refetch("a").block().pageParams()).containsExactly(0);
            assertThat(upstream.requests).containsExactly("a/0");
        }
    }

    @Test
    void aFailedRefetchLeavesTheOldPages() {
        try (QueryClient client = client(EndpointOptions.none())) {
            var e = pages(client);
            e.query("a", 0).block();
            InfiniteData<List<String>, Integer> before = e.fetchNextPage("a").block();
            upstream.failWhen = r -> r.equals("a/1");
            assertThatThrownBy(() -> e.refetch("a").block()).hasMessageContaining("a/1");
            assertThat(e.state("a").data()).isEqualTo(before);
            assertThat(e.state("a").status()).isEqualTo(QueryStatus.ERROR);
        }
    }

    @Test
    void abortRejectsTheWaitersAndLeavesTheCachedPages() {
        try (QueryClient client = client(EndpointOptions.none())) {
            var e = pages(client);
            InfiniteData<List<String>, Integer> before = e.query("a", 0).block();
            upstream.hold = true;
            Mono<InfiniteData<List<String>, Integer>> refetch = Started.now(e.refetch("a"));
            Mono<InfiniteData<List<String>, Integer>> joined = Started.now(e.fetchNextPage("a"));
            e.abort("a");
            assertThatThrownBy(refetch::block).isInstanceOf(QueryAbortedException.class);
            assertThatThrownBy(joined::block).isInstanceOf(QueryAbortedException.class);
            assertThat(e.state("a").data()).isEqualTo(before);
            assertThat(e.state("a").isFetching()).isFalse();
            upstream.release();
            assertThat(e.state("a").data()).as("the aborted fetch's late result is dropped").isEqualTo(before);
            assertThat(e.state("a").status()).isEqualTo(QueryStatus.SUCCESS);
        }
    }

    @Test
    void hasNextPageAndHasPreviousPageFollowTheParamFunctions() {
        try (QueryClient client = client(EndpointOptions.none())) {
            var e = pages(client);
            assertThat(e.state("a").hasNextPage()).isFalse();
            e.query("a", 0).block();
            assertThat(e.state("a").hasNextPage()).isTrue();
            assertThat(e.state("a").hasPreviousPage()).isFalse();
            e.fetchNextPage("a").block();
            e.fetchNextPage("a").block();
            e.fetchNextPage("a").block();
            e.fetchNextPage("a").block();
            assertThat(e.state("a").hasNextPage()).isFalse();
        }
    }

    @Test
    void directionFlagsTellWhichPageFetchRunsOrFailed() {
        try (QueryClient client = client(EndpointOptions.none())) {
            var e = pages(client);
            e.query("a", 2).block();
            upstream.hold = true;
            Mono<?> next = Started.now(e.fetchNextPage("a"));
            assertThat(e.state("a").isFetchingNextPage()).isTrue();
            assertThat(e.state("a").isFetchingPreviousPage()).isFalse();
            upstream.release();
            next.block();
            assertThat(e.state("a").isFetchingNextPage()).isFalse();

            upstream.failWhen = r -> r.equals("a/1");
            assertThatThrownBy(() -> e.fetchPreviousPage("a").block()).hasMessageContaining("a/1");
            assertThat(e.state("a").isFetchPreviousPageError()).isTrue();
            assertThat(e.state("a").isFetchNextPageError()).isFalse();
            assertThat(e.state("a").data().pageParams()).containsExactly(2, 3);

            upstream.failWhen = r -> r.equals("a/4");
            assertThatThrownBy(() -> e.fetchNextPage("a").block()).hasMessageContaining("a/4");
            assertThat(e.state("a").isFetchNextPageError()).isTrue();
            assertThat(e.state("a").isFetchPreviousPageError()).isFalse();
        }
    }

    @Test
    void prefetchPagesFetchesUpToNPages() {
        try (QueryClient client = client(EndpointOptions.none())) {
            var e = pages(client);
            e.prefetch("a", PrefetchOptions.pages(3));
            assertThat(e.state("a").data().pageParams()).containsExactly(1, 2, 3);
            e.prefetch("b", PrefetchOptions.pages(10));
            assertThat(e.state("b").data().pageParams()).as("stops at the end of the list").containsExactly(1, 2, 3, 4);
            assertThat(e.state("a").subscriberCount()).isZero();
        }
    }

    @Test
    void invalidatingASubscribedInfiniteEntryRefetchesAllItsPagesAndAnUnsubscribedOneIsRemoved() {
        try (QueryClient client = client(EndpointOptions.none())) {
            var e = pages(client);
            QuerySubscription<InfiniteData<List<String>, Integer>> sub = e.subscribe("a");
            e.fetchNextPage("a").block();
            e.query("b").block();
            upstream.requests.clear();
            client.invalidateTags(Tag.of("List"));
            assertThat(upstream.requests).containsExactly("a/1", "a/2");
            assertThat(e.state("a").data().pageParams()).containsExactly(1, 2);
            assertThat(e.state("b").status()).isEqualTo(QueryStatus.UNINITIALIZED);
            sub.close();
        }
    }

    @Test
    void pollingASubscribedInfiniteEntryRefetchesAllItsPages() {
        try (QueryClient client = client(EndpointOptions.none())) {
            var e = pages(client);
            QuerySubscription<InfiniteData<List<String>, Integer>> sub =
                    e.subscribe("a", SubscribeOptions.pollingInterval(Duration.ofSeconds(10)));
            e.fetchNextPage("a").block();
            upstream.requests.clear();
            clock.advance(Duration.ofSeconds(10));
            assertThat(upstream.requests).containsExactly("a/1", "a/2");
            sub.close();
        }
    }

    @Test
    void theSameEntryMachineryAppliesKeepUnusedDataForStatsAndHydration() {
        DehydratedState state;
        try (QueryClient client = client(EndpointOptions.builder().keepUnusedDataFor(Duration.ofSeconds(5)).build())) {
            var e = pages(client);
            e.query("a").block();
            e.fetchNextPage("a").block();
            assertThat(e.query("a").block().pageParams()).containsExactly(1, 2);
            assertThat(client.stats().hitCount()).isEqualTo(1);
            state = client.dehydrate();
            assertThat(state.queries()).singleElement().satisfies(q -> assertThat(q.infinite()).isTrue());
            clock.advance(Duration.ofSeconds(5));
            assertThat(e.state("a").status()).isEqualTo(QueryStatus.UNINITIALIZED);
        }
        try (QueryClient other = client(EndpointOptions.none())) {
            other.hydrate(state);
            var e = pages(other);
            assertThat(e.state("a").data().pageParams()).containsExactly(1, 2);
            assertThat(e.state("a").hasNextPage()).isTrue();
        }
    }
}
