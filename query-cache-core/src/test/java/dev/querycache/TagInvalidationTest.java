package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class TagInvalidationTest {

    private final VirtualClock clock = new VirtualClock();
    private final CountingFetcher fetcher = new CountingFetcher();

    private QueryClient client(QueryFetcher<String, String> f) {
        return QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("posts", f, EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
                .build();
    }

    {
        fetcher.tags = (arg, result) -> arg.equals("list") ? Set.of(Tag.of("Post")) : Set.of(Tag.of("Post", arg));
    }

    @Test
    void aTypeTagReachesEntriesWithAndWithoutIds() {
        try (QueryClient client = client(fetcher)) {
            Endpoint<Object, Object> posts = client.endpoint("posts");
            QuerySubscription<Object> list = posts.subscribe("list");
            QuerySubscription<Object> one = posts.subscribe("1");
            QuerySubscription<Object> two = posts.subscribe("2");
            client.invalidateTags(Tag.of("Post"));
            assertThat(fetcher.callsFor("list")).isEqualTo(2);
            assertThat(fetcher.callsFor("1")).isEqualTo(2);
            assertThat(fetcher.callsFor("2")).isEqualTo(2);
            list.close();
            one.close();
            two.close();
        }
    }

    @Test
    void anIdTagReachesOnlyEntriesProvidingExactlyThatId() {
        try (QueryClient client = client(fetcher)) {
            Endpoint<Object, Object> posts = client.endpoint("posts");
            posts.subscribe("list");
            posts.subscribe("1");
            posts.subscribe("2");
            client.invalidateTags(Tag.of("Post", "1"));
            assertThat(fetcher.callsFor("1")).isEqualTo(2);
            assertThat(fetcher.callsFor("2")).isEqualTo(1);
            assertThat(fetcher.callsFor("list")).isEqualTo(1);
            client.invalidateTags(Tag.of("Comment"), Tag.of("Post", "nope"));
            assertThat(fetcher.calls).hasValue(4);
        }
    }

    @Test
    void subscribedEntriesRefetchWithOldDataVisibleMeanwhile() {
        ControlledFetcher slow = new ControlledFetcher();
        slow.tags = (a, r) -> Set.of(Tag.of("Post", a));
        try (QueryClient client = client(slow)) {
            Endpoint<Object, Object> posts = client.endpoint("posts");
            QuerySubscription<Object> sub = posts.subscribe("1");
            slow.completeNext("v1");
            client.invalidateTags(List.of(Tag.of("Post", "1")));
            QueryState<Object> during = posts.state("1");
            assertThat(during.isFetching()).isTrue();
            assertThat(during.data()).isEqualTo("v1");
            assertThat(during.isStale()).isTrue();
            assertThat(during.isLoading()).isFalse();
            slow.completeNext("v2");
            assertThat(posts.state("1").data()).isEqualTo("v2");
            assertThat(posts.state("1").isStale()).isFalse();
            assertThat(sub.state().data()).isEqualTo("v2");
        }
    }

    @Test
    void unsubscribedEntriesAreRemoved() {
        try (QueryClient client = client(fetcher)) {
            Endpoint<Object, Object> posts = client.endpoint("posts");
            posts.query("1").block();
            posts.query("2").block();
            client.invalidateTags(Tag.of("Post", "1"));
            assertThat(posts.state("1").status()).isEqualTo(QueryStatus.UNINITIALIZED);
            assertThat(posts.state("2").status()).isEqualTo(QueryStatus.SUCCESS);
            assertThat(fetcher.callsFor("1")).isEqualTo(1);
            assertThat(posts.query("1").block()).isEqualTo("1#2");
        }
    }

    @Test
    void anEntryInvalidatedDuringItsFetchIsFetchedAgainWhenThatFetchSettles() {
        ControlledFetcher slow = new ControlledFetcher();
        slow.tags = (a, r) -> Set.of(Tag.of("Post", a));
        try (QueryClient client = client(slow)) {
            Endpoint<Object, Object> posts = client.endpoint("posts");
            QuerySubscription<Object> sub = posts.subscribe("1");
            slow.completeNext("v1");
            posts.refetch("1").subscribe(v -> { }, e -> { });
            client.invalidateTags(Tag.of("Post", "1"));
            assertThat(slow.calls).hasValue(2);
            slow.completeNext("v2-fetched-before-the-invalidation");
            assertThat(slow.calls).hasValue(3);
            assertThat(posts.state("1").isStale()).isTrue();
            slow.completeNext("v3");
            assertThat(posts.state("1").data()).isEqualTo("v3");
            assertThat(posts.state("1").isStale()).isFalse();
            sub.close();
        }
    }

    @Test
    void delayedInvalidationAlsoCoversTagsTheFirstFetchOnlyProvidesWhenItSettles() {
        ControlledFetcher slow = new ControlledFetcher();
        slow.tags = (a, r) -> Set.of(Tag.of("Post", a));
        try (QueryClient client = client(slow)) {
            Endpoint<Object, Object> posts = client.endpoint("posts");
            QuerySubscription<Object> sub = posts.subscribe("1");
            assertThat(posts.state("1").tags()).isEmpty();
            client.invalidateTags(Tag.of("Post"));
            slow.completeNext("stale");
            assertThat(slow.calls).hasValue(2);
            slow.completeNext("fresh");
            assertThat(posts.state("1").data()).isEqualTo("fresh");
            sub.close();
        }
    }

    @Test
    void anUnsubscribedEntryInvalidatedDuringItsFetchGivesTheDataToItsCallerAndIsThenRemoved() {
        ControlledFetcher slow = new ControlledFetcher();
        slow.tags = (a, r) -> Set.of(Tag.of("Post", a));
        try (QueryClient client = client(slow)) {
            Endpoint<Object, Object> posts = client.endpoint("posts");
            Mono<Object> result = Started.now(posts.query("1"));
            client.invalidateTags(Tag.of("Post", "1"));
            slow.completeNext("v1");
            assertThat(result.block()).isEqualTo("v1");
            assertThat(posts.state("1").status()).isEqualTo(QueryStatus.UNINITIALIZED);
            assertThat(slow.calls).hasValue(1);
        }
    }

    @Test
    void endpointTagTypesFromTheAnnotationAreProvidedByEveryEntry() {
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler).endpoint(new Annotated()).build()) {
            Endpoint<String, String> e = client.endpoint(Annotated.class);
            e.query("x").block();
            assertThat(e.state("x").tags()).containsExactlyInAnyOrder(Tag.of("Thing"), Tag.of("Other", "x"));
            client.invalidateTags(Tag.of("Thing"));
            assertThat(e.state("x").status()).isEqualTo(QueryStatus.UNINITIALIZED);
        }
    }

    @Test
    void endpointInvalidateAndInvalidateAllWorkLikeTags() {
        try (QueryClient client = client(fetcher)) {
            Endpoint<Object, Object> posts = client.endpoint("posts");
            QuerySubscription<Object> sub = posts.subscribe("1");
            posts.query("2").block();
            posts.query("3").block();
            posts.invalidate("2");
            assertThat(posts.state("2").status()).isEqualTo(QueryStatus.UNINITIALIZED);
            posts.invalidateAll();
            assertThat(fetcher.callsFor("1")).isEqualTo(2);
            assertThat(posts.state("3").status()).isEqualTo(QueryStatus.UNINITIALIZED);
            assertThat(client.inspector().size()).isEqualTo(1);
            sub.close();
        }
    }

    @QueryEndpoint(tags = "Thing", keepUnusedDataFor = "never")
    static class Annotated implements QueryFetcher<String, String> {
        @Override
        public Mono<String> fetch(String arg) {
            return Mono.just(arg.toUpperCase());
        }

        @Override
        public Set<Tag> providesTags(String arg, String result) {
            return Set.of(Tag.of("Other", arg));
        }
    }
}
