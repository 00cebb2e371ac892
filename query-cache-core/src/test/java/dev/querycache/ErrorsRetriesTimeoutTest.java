package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class ErrorsRetriesTimeoutTest {

    private final VirtualClock clock = new VirtualClock();

    @Test
    void theErrorReachesTheCallersAndTheEntryKeepsItsData() {
        AtomicInteger calls = new AtomicInteger();
        QueryFetcher<String, String> flaky = arg -> Mono.defer(() -> calls.incrementAndGet() == 2
                ? Mono.error(new IllegalStateException("boom")) : Mono.just("v" + calls.get()));
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("flaky", flaky, EndpointOptions.none()).build()) {
            Endpoint<Object, Object> e = client.endpoint("flaky");
            assertThat(e.query("a").block()).isEqualTo("v1");
            assertThatThrownBy(() -> e.refetch("a").block()).hasMessage("boom");
            QueryState<Object> s = e.state("a");
            assertThat(s.status()).isEqualTo(QueryStatus.ERROR);
            assertThat(s.error()).hasMessage("boom");
            assertThat(s.data()).isEqualTo("v1");
            assertThat(client.stats().errorCount()).isEqualTo(1);

            assertThat(e.query("a").block()).as("the next query fetches again").isEqualTo("v3");
            assertThat(e.state("a").status()).isEqualTo(QueryStatus.SUCCESS);
            assertThat(e.state("a").error()).isNull();
        }
    }

    @Test
    void retriesWithExponentialBackoffThenSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        QueryFetcher<String, String> flaky = arg -> Mono.defer(() -> calls.incrementAndGet() < 3
                ? Mono.error(new IllegalStateException("try " + calls.get())) : Mono.just("ok"));
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("flaky", flaky, EndpointOptions.builder().retries(2).retryBackoff(Duration.ofSeconds(1)).build())
                .build()) {
            Endpoint<Object, Object> e = client.endpoint("flaky");
            Mono<Object> result = Started.now(e.query("a"));
            assertThat(calls).hasValue(1);
            clock.advanceMillis(999);
            assertThat(calls).hasValue(1);
            clock.advanceMillis(1);
            assertThat(calls).hasValue(2);
            clock.advanceMillis(1_999);
            assertThat(calls).as("second backoff doubles").hasValue(2);
            clock.advanceMillis(1);
            assertThat(calls).hasValue(3);
            assertThat(result.block()).isEqualTo("ok");
            assertThat(client.stats().fetchCount()).isEqualTo(1);
        }
    }

    @Test
    void whenRetriesRunOutTheLastErrorIsSurfacedAsItIs() {
        AtomicInteger calls = new AtomicInteger();
        QueryFetcher<String, String> broken = arg -> Mono.error(new IllegalStateException("down " + calls.incrementAndGet()));
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("broken", broken, EndpointOptions.builder().retries(3).retryBackoff(Duration.ofMillis(10)).build())
                .build()) {
            Endpoint<Object, Object> e = client.endpoint("broken");
            StepVerifier.withVirtualTime(() -> e.query("a"), () -> clock.scheduler, Long.MAX_VALUE)
                    .thenAwait(Duration.ofSeconds(10))
                    .expectErrorMessage("down 4")
                    .verify(Duration.ofSeconds(5));
            assertThat(calls).hasValue(4);
        }
    }

    @Test
    void aFetchLongerThanFetchTimeoutFailsWithQueryTimeoutException() {
        ControlledFetcher slow = new ControlledFetcher();
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("slow", slow, EndpointOptions.builder().fetchTimeout(Duration.ofSeconds(2)).build()).build()) {
            Endpoint<Object, Object> e = client.endpoint("slow");
            Mono<Object> result = Started.now(e.query("a"));
            clock.advanceMillis(1_999);
            assertThat(e.state("a").isFetching()).isTrue();
            clock.advanceMillis(1);
            assertThat(e.state("a").status()).isEqualTo(QueryStatus.ERROR);
            assertThatThrownBy(result::block).isInstanceOf(QueryTimeoutException.class)
                    .hasMessageContaining("slow").hasMessageContaining("fetchTimeout");
        }
    }

    @Test
    void aTimedOutAttemptIsRetried() {
        ControlledFetcher slow = new ControlledFetcher();
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("slow", slow, EndpointOptions.builder().fetchTimeout(Duration.ofSeconds(1)).retries(1)
                        .retryBackoff(Duration.ofMillis(100)).build()).build()) {
            Endpoint<Object, Object> e = client.endpoint("slow");
            Mono<Object> result = Started.now(e.query("a"));
            clock.advanceMillis(1_100);
            assertThat(slow.calls).hasValue(2);
            slow.pending.poll();
            slow.completeNext("second try");
            assertThat(result.block()).isEqualTo("second try");
        }
    }

    @Test
    void anExceptionThrownByTheFetcherIsAnError() {
        QueryFetcher<String, String> throwing = arg -> {
            throw new IllegalArgumentException("bad arg " + arg);
        };
        try (QueryClient client = QueryClient.builder().scheduler(clock.scheduler)
                .endpoint("throwing", throwing, EndpointOptions.none()).build()) {
            Endpoint<Object, Object> e = client.endpoint("throwing");
            assertThatThrownBy(() -> e.query("x").block()).hasMessage("bad arg x");
            assertThat(e.state("x").status()).isEqualTo(QueryStatus.ERROR);
        }
    }
}
