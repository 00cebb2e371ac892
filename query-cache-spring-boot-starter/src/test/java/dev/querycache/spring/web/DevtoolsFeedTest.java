package dev.querycache.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.EndpointOptions;
import dev.querycache.QueryClient;
import dev.querycache.QueryFetcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Devtools viewers share one feed: one pass over the cache per burst, one patch of what changed, a bounded number of viewers. */
class DevtoolsFeedTest {

    @Test
    void tenViewersShareOnePassAndOnePatchHoldingOnlyWhatChanged() {
        QueryFetcher<String, String> upper = arg -> Mono.just(arg.toUpperCase());
        try (QueryClient client = QueryClient.builder().endpoint("items", upper, EndpointOptions.none()).build();
             DevtoolsFeed feed = new DevtoolsFeed(client, JsonMapper.builder().build(), 10, Duration.ofMillis(50))) {
            for (int i = 0; i < 1_000; i++) {
                client.endpoint("items").query("k" + i).block();
            }
            List<List<DevtoolsFeed.Event>> seen = new ArrayList<>();
            List<Disposable> subscriptions = new ArrayList<>();
            for (int v = 0; v < 10; v++) {
                List<DevtoolsFeed.Event> events = new CopyOnWriteArrayList<>();
                seen.add(events);
                subscriptions.add(feed.open().subscribe(events::add));
            }
            assertThat(feed.open()).as("an eleventh viewer is refused").isNull();
            assertThat(seen).allSatisfy(events -> {
                assertThat(events.get(0).name()).isEqualTo("cache");
                assertThat(events.get(0).json()).contains("\"k999\"");
            });
            long passesBefore = feed.passes();

            client.endpoint("items").query("new-one").block();
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> seen.stream().allMatch(events -> events.stream().anyMatch(e -> e.json().contains("new-one"))));
            DevtoolsFeed.Event patch = seen.get(0).stream().filter(e -> e.json().contains("new-one")).findFirst().orElseThrow();
            assertThat(patch.name()).isEqualTo("patch");
            assertThat(patch.json()).as("only what changed is sent").doesNotContain("\"k1\"").hasSizeLessThan(2_000);
            assertThat(seen).as("every viewer got the very same patch, built once").allSatisfy(events ->
                    assertThat(events.stream().filter(e -> e.json().contains("new-one")).findFirst().orElseThrow().json())
                            .isSameAs(patch.json()));
            assertThat(feed.passes() - passesBefore).as("passes over the cache are shared, not one per viewer").isLessThan(10);

            subscriptions.forEach(Disposable::dispose);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> feed.viewers() == 0);
            assertThat(feed.open()).as("room again").isNotNull();
        }
    }

    @Test
    void nothingIsBuiltWhileNobodyWatches() {
        QueryFetcher<String, String> upper = arg -> Mono.just(arg.toUpperCase());
        try (QueryClient client = QueryClient.builder().endpoint("items", upper, EndpointOptions.none()).build();
             DevtoolsFeed feed = new DevtoolsFeed(client, JsonMapper.builder().build(), 10, Duration.ofMillis(20))) {
            for (int i = 0; i < 200; i++) {
                client.endpoint("items").query("k" + i).block();
            }
            Disposable sub = feed.open().subscribe();
            sub.dispose();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> feed.viewers() == 0);
            long passes = feed.passes();
            long ticks = feed.ticks();
            for (int i = 0; i < 200; i++) {
                client.endpoint("items").invalidate("k" + i);
            }
            Awaitility.await("the feed saw the burst").atMost(Duration.ofSeconds(30)).until(() -> feed.ticks() > ticks);
            assertThat(feed.passes()).as("but built nothing").isEqualTo(passes);
        }
    }
}
