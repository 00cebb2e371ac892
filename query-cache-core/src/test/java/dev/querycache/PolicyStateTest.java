package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The polling and collection state lives in the policies (as RTK keeps it in its middlewares), and goes when
 * it is no longer needed: a removal timer while an entry is unused only, a poller while its entry lives.
 */
class PolicyStateTest {

    private final VirtualClock clock = new VirtualClock();
    private final CountingFetcher fetcher = new CountingFetcher();

    @Test
    void theRemovalTimerIsArmedWhileUnusedOnlyAndThePollerGoesWithItsEntry() {
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("items", fetcher, EndpointOptions.builder().keepUnusedDataFor(Duration.ofSeconds(60)).build())
                .build()) {
            CacheEngine engine = ((DefaultQueryClient) client).engine();
            Endpoint<Object, Object> items = client.endpoint("items");
            items.query("a").block();
            assertThat(engine.collection.armedTimers()).as("unused: armed").isEqualTo(1);

            QuerySubscription<Object> sub = items.subscribe("a", SubscribeOptions.pollingInterval(Duration.ofSeconds(10)));
            assertThat(engine.collection.armedTimers()).as("in use: disarmed").isZero();
            assertThat(engine.polling.size()).as("a polling entry").isEqualTo(1);
            clock.advance(Duration.ofSeconds(10));
            assertThat(fetcher.calls).as("polled once").hasValue(2);

            sub.close();
            assertThat(engine.collection.armedTimers()).as("unused again: armed").isEqualTo(1);
            clock.advance(Duration.ofSeconds(61));
            assertThat(items.state("a").status()).as("collected").isEqualTo(QueryStatus.UNINITIALIZED);
            assertThat(engine.collection.armedTimers()).as("the spent timer is forgotten").isZero();
            assertThat(engine.polling.size()).as("the poller went with its entry").isZero();
            assertThat(fetcher.calls).as("no poll after the last polling subscriber left").hasValue(2);
        }
    }
}
