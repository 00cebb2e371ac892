package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.spi.FetchTracing;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.context.ContextView;

/** Fetches are traced with the caller's Reactor Context; joins are told; hits are not traced. */
class FetchTracingTest {

    private final List<String> traced = new CopyOnWriteArrayList<>();
    private final List<String> joined = new CopyOnWriteArrayList<>();
    private final FetchTracing tracing = new FetchTracing() {
        @Override
        public Mono<Object> trace(String endpoint, Mono<Object> fetch, ContextView caller) {
            traced.add(endpoint + "/" + caller.getOrDefault("caller", "none"));
            return fetch.contextWrite(ctx -> ctx.put("span", "fetch-of-" + caller.getOrDefault("caller", "none")));
        }

        @Override
        public void joined(String endpoint, ContextView caller) {
            joined.add(endpoint + "/" + caller.getOrDefault("caller", "none"));
        }
    };

    @Test
    void aMissIsTracedWithItsCallersContextAndTheFetcherSeesTheTracingsContext() {
        Sinks.One<String> upstream = Sinks.one();
        List<String> seenByFetcher = new CopyOnWriteArrayList<>();
        QueryFetcher<String, String> fetcher = arg -> Mono.deferContextual(ctx -> {
            seenByFetcher.add(ctx.getOrDefault("span", "no span"));
            return arg.equals("slow") ? upstream.asMono() : Mono.just(arg + "!");
        });
        try (QueryClient client = QueryClient.builder().fetchTracing(tracing)
                .endpoint("items", fetcher, EndpointOptions.builder().build()).build()) {
            Endpoint<Object, Object> items = client.endpoint("items");
            assertThat(items.query("a").contextWrite(ctx -> ctx.put("caller", "alice")).block(Duration.ofSeconds(10))).isEqualTo("a!");
            assertThat(traced).containsExactly("items/alice");
            assertThat(seenByFetcher).containsExactly("fetch-of-alice");

            assertThat(items.query("a").contextWrite(ctx -> ctx.put("caller", "bob")).block(Duration.ofSeconds(10))).isEqualTo("a!");
            assertThat(traced).as("a hit is not traced").hasSize(1);
            assertThat(joined).as("nor is it a join").isEmpty();

            var first = items.query("slow").contextWrite(ctx -> ctx.put("caller", "carol")).toFuture();
            var second = items.query("slow").contextWrite(ctx -> ctx.put("caller", "dave")).toFuture();
            assertThat(joined).containsExactly("items/dave");
            upstream.tryEmitValue("S");
            assertThat(first).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("S");
            assertThat(second).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("S");
            assertThat(traced).containsExactly("items/alice", "items/carol");

            // a refetch asked for without a context traces with an empty one
            items.refetch("a").block(Duration.ofSeconds(10));
            assertThat(traced).containsExactly("items/alice", "items/carol", "items/none");
        }
    }
}
