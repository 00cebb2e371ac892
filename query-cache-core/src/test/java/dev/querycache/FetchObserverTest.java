package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class FetchObserverTest {

    @Test
    void observersAreToldTheOutcomeOfEverySettledFetch() {
        VirtualClock clock = new VirtualClock();
        List<String> seen = new CopyOnWriteArrayList<>();
        ControlledFetcher slow = new ControlledFetcher();
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .fetchObserver((endpoint, took, outcome) -> seen.add(endpoint + ":" + outcome))
                .endpoint("slow", slow, EndpointOptions.builder().fetchTimeout(Duration.ofSeconds(1)).build())
                .infiniteEndpoint("pages", new InfiniteQueryTest.Pages(new FakeUpstream(3)), EndpointOptions.none())
                .build()) {
            Endpoint<Object, Object> e = client.endpoint("slow");
            Started.now(e.query("a"));
            slow.completeNext("A");
            e.refetch("a").onErrorResume(x -> Mono.empty()).subscribe();
            slow.failNext(new IllegalStateException("x"));
            e.refetch("a").onErrorResume(x -> Mono.empty()).subscribe();
            clock.advance(Duration.ofSeconds(1));
            client.infiniteEndpoint("pages").query("p").block();
            client.infiniteEndpoint("pages").refetch("p").subscribe(v -> { }, x -> { });
            client.resetApiState();
            assertThat(seen).containsExactly("slow:SUCCESS", "slow:ERROR", "slow:TIMEOUT", "pages:SUCCESS", "pages:SUCCESS");
        }
    }
}
