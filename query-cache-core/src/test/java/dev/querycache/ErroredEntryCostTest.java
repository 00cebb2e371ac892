package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * What an errored entry keeps (issue: memory under a soak): the error's type, message, cause chain and
 * the top of each stack, while the fetch's own waiters get the error whole; and a settled fetch is not
 * kept alive by whatever still holds the fetcher's subscriber chain.
 */
class ErroredEntryCostTest {

    /** An upstream error with a deep stack and a cause, like an HTTP client's. */
    private static RuntimeException deepError(int depth) {
        if (depth > 0) {
            return deepError(depth - 1);
        }
        RuntimeException e = new IllegalStateException("upstream answered 503",
                new java.io.IOException("connection reset"));
        e.addSuppressed(new RuntimeException("assembly trace"));
        return e;
    }

    @Test
    void theEntryKeepsTheTopOfTheStackWhileTheWaitersGetItWhole() {
        RuntimeException error = deepError(60);
        int fullDepth = error.getStackTrace().length;
        assertThat(fullDepth).isGreaterThan(StoredErrors.FRAMES_KEPT);
        int[] depthSeenByWaiter = new int[1];
        try (QueryClient client = QueryClient.builder()
                .endpoint("items", (String a) -> Mono.error(error).delaySubscription(Duration.ofMillis(50)),
                        EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
                .build()) {
            Endpoint<Object, Object> e = client.endpoint("items");
            assertThatThrownBy(() -> e.query("a")
                    .doOnError(x -> depthSeenByWaiter[0] = x.getStackTrace().length)
                    .block(Duration.ofSeconds(10)))
                    .isSameAs(error);
            assertThat(depthSeenByWaiter[0]).isEqualTo(fullDepth);

            Throwable kept = e.state("a").error();
            assertThat(kept).isSameAs(error).hasMessage("upstream answered 503");
            assertThat(kept.getCause()).isInstanceOf(java.io.IOException.class).hasMessage("connection reset");
            // The trim follows the answer to the waiters on the fetch's thread; block() may return first.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(kept.getStackTrace()).hasSize(StoredErrors.FRAMES_KEPT));
            assertThat(kept.getStackTrace()[0].getMethodName()).isEqualTo("deepError");
            assertThat(kept.getSuppressed()[0].getStackTrace().length).isLessThanOrEqualTo(StoredErrors.FRAMES_KEPT);
            assertThat(e.state("a").status()).isEqualTo(QueryStatus.ERROR);
        }
    }

    @Test
    void aCauseChainThatLoopsIsTrimmedAndTheTrimEnds() {
        RuntimeException inner = deepError(30);
        Throwable looping = new RuntimeException("loops", inner) {
            @Override
            public synchronized Throwable getCause() {
                return this;   // a misbehaving exception type
            }
        };
        StoredErrors.trim(looping);
        StoredErrors.trim(new RuntimeException("outer", inner));
        assertThat(inner.getStackTrace()).hasSize(StoredErrors.FRAMES_KEPT);
    }

    /** A fetcher whose "connection" keeps every subscriber it was given, as pooled HTTP clients can. */
    private static final class RetainingUpstream extends Mono<Object> {
        final List<CoreSubscriber<? super Object>> kept = new CopyOnWriteArrayList<>();

        @Override
        public void subscribe(CoreSubscriber<? super Object> actual) {
            kept.add(actual);
            actual.onSubscribe(reactor.core.publisher.Operators.emptySubscription());
        }

        void fail(RuntimeException e) {
            kept.forEach(s -> s.onError(e));
        }
    }

    @Test
    void aSettledFetchIsNotKeptByTheFetchersSubscriberChain() throws Exception {
        RetainingUpstream upstream = new RetainingUpstream();
        try (QueryClient client = QueryClient.builder()
                .endpoint("items", (String a) -> upstream,
                        EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).build())
                .build()) {
            Endpoint<Object, Object> e = client.endpoint("items");
            Mono<Object> waiting = e.query("a");
            var result = waiting.toFuture();
            WeakReference<Fetch> fetch = new WeakReference<>(EntryStore.peek(runtimeOf(e), "a").inFlight());
            assertThat(fetch.get()).isNotNull();

            upstream.fail(new IllegalStateException("503"));
            assertThat(result).failsWithin(Duration.ofSeconds(10));
            assertThat(upstream.kept).isNotEmpty();   // the chain is still held, as in the soak

            for (int i = 0; i < 100 && fetch.get() != null; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertThat(fetch.get()).as("the settled fetch was collected").isNull();
        }
    }

    private static EndpointRuntime runtimeOf(Endpoint<?, ?> e) throws ReflectiveOperationException {
        Field f = DefaultEndpoint.class.getDeclaredField("runtime");
        f.setAccessible(true);
        return (EndpointRuntime) f.get(e);
    }
}
