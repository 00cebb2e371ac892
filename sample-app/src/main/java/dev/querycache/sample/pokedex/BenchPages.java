package dev.querycache.sample.pokedex;

import dev.querycache.QueryClient;
import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import dev.querycache.spring.web.StreamedPage;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Component;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import reactor.core.publisher.Mono;

/**
 * The streamed-page benchmark (query-cache-benchmarks/stream-load.sh): one page reading three queries whose
 * upstreams take 100, 400 and 900 ms, streamed ({@code /bench/page/streamed}) and awaited before its first byte
 * ({@code /bench/page/awaited}), each request with keys of its own (cold) unless {@code key} is given;
 * {@code fast=true} makes the upstreams answer at once, so that the server's own cost shows;
 * {@code /bench/page/hold} keeps a stream open for {@code ms} (heap per open stream).
 */
@Controller
public class BenchPages {

    private final QueryClient client;
    private final AtomicLong keys = new AtomicLong();

    BenchPages(QueryClient client) {
        this.client = client;
    }

    /** An upstream answer of the benchmark: arg "ms:key". */
    @Component
    @QueryEndpoint(name = "benchSlow", keepUnusedDataFor = "2s")
    public static class BenchSlow implements QueryFetcher<String, Map<String, Object>> {
        private final UpstreamClient upstream;

        BenchSlow(UpstreamClient upstream) {
            this.upstream = upstream;
        }

        @Override
        public Mono<Map<String, Object>> fetch(String arg) {
            int colon = arg.indexOf(':');
            return upstream.web().get().uri("/upstream/slow/{ms}/{key}", arg.substring(0, colon), arg.substring(colon + 1))
                    .retrieve().bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() { });
        }
    }

    private String key(String key) {
        return key == null || key.isEmpty() ? "k" + keys.incrementAndGet() : key;
    }

    @GetMapping("/bench/page/streamed")
    StreamedPage streamed(@RequestParam(required = false) String key, @RequestParam(defaultValue = "false") boolean fast) {
        String k = key(key);
        var slow = client.endpoint(BenchSlow.class);
        return StreamedPage.view("bench-page").with("key", k)
                .pending("a", slow, (fast ? 0 : 100) + ":" + k)
                .pending("b", slow, (fast ? 0 : 400) + ":" + k)
                .pending("c", slow, (fast ? 0 : 900) + ":" + k);
    }

    @GetMapping("/bench/page/awaited")
    StreamedPage awaited(@RequestParam(required = false) String key, @RequestParam(defaultValue = "false") boolean fast) {
        String k = key(key);
        var slow = client.endpoint(BenchSlow.class);
        return StreamedPage.view("bench-page").with("key", k)
                .with("a", slow.query((fast ? 0 : 100) + ":" + k))
                .with("b", slow.query((fast ? 0 : 400) + ":" + k))
                .with("c", slow.query((fast ? 0 : 900) + ":" + k));
    }

    @GetMapping("/bench/page/hold")
    StreamedPage hold(@RequestParam(defaultValue = "20000") int ms) {
        String k = key(null);
        var slow = client.endpoint(BenchSlow.class);
        return StreamedPage.view("bench-page").with("key", k)
                .pending("a", slow, "0:" + k).pending("b", slow, "0:" + k + "b").pending("c", slow, ms + ":" + k);
    }
}
