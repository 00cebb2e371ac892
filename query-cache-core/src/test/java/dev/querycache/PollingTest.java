package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PollingTest {

    private final VirtualClock clock = new VirtualClock();
    private final CountingFetcher fetcher = new CountingFetcher();
    private final QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
            .endpoint("items", fetcher, EndpointOptions.none()).build();
    private final Endpoint<Object, Object> items = client.endpoint("items");

    @Test
    void pollsAtTheSmallestIntervalOfItsSubscribers() {
        QuerySubscription<Object> slow = items.subscribe("a", SubscribeOptions.pollingInterval(Duration.ofSeconds(10)));
        QuerySubscription<Object> fast = items.subscribe("a", SubscribeOptions.pollingInterval(Duration.ofSeconds(3)));
        assertThat(fetcher.callsFor("a")).isEqualTo(1);
        clock.advanceMillis(2_999);
        assertThat(fetcher.callsFor("a")).isEqualTo(1);
        clock.advanceMillis(1);
        assertThat(fetcher.callsFor("a")).isEqualTo(2);
        clock.advance(Duration.ofSeconds(3));
        assertThat(fetcher.callsFor("a")).isEqualTo(3);

        fast.unsubscribe();
        clock.advance(Duration.ofSeconds(9));
        assertThat(fetcher.callsFor("a")).isEqualTo(3);
        clock.advance(Duration.ofSeconds(1));
        assertThat(fetcher.callsFor("a")).isEqualTo(4);
        assertThat(items.state("a").data()).isEqualTo("a#4");

        slow.unsubscribe();
        clock.advance(Duration.ofMinutes(5));
        assertThat(fetcher.callsFor("a")).isEqualTo(4);
    }

    @Test
    void pollingStopsWhenTheLastPollingSubscriberLeavesEvenIfOthersStay() {
        QuerySubscription<Object> plain = items.subscribe("a");
        QuerySubscription<Object> poller = items.subscribe("a", SubscribeOptions.pollingInterval(Duration.ofSeconds(1)));
        clock.advance(Duration.ofSeconds(3));
        assertThat(fetcher.callsFor("a")).isEqualTo(4);
        poller.unsubscribe();
        clock.advance(Duration.ofMinutes(1));
        assertThat(fetcher.callsFor("a")).isEqualTo(4);
        plain.unsubscribe();
    }

    @Test
    void theNextPollIsScheduledAfterThePreviousFetchSettles() {
        ControlledFetcher slow = new ControlledFetcher();
        try (QueryClient c = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("slow", slow, EndpointOptions.builder().fetchTimeout(Duration.ofMinutes(10)).build()).build()) {
            Endpoint<Object, Object> e = c.endpoint("slow");
            QuerySubscription<Object> sub = e.subscribe("a", SubscribeOptions.pollingInterval(Duration.ofSeconds(5)));
            clock.advance(Duration.ofSeconds(30));
            assertThat(slow.calls).hasValue(1);
            slow.completeNext("1");
            clock.advanceMillis(4_999);
            assertThat(slow.calls).hasValue(1);
            clock.advanceMillis(1);
            assertThat(slow.calls).hasValue(2);
            slow.failNext(new IllegalStateException("upstream down"));
            clock.advance(Duration.ofSeconds(5));
            assertThat(slow.calls).as("polling goes on after an error").hasValue(3);
            sub.close();
        }
    }
}
