package dev.querycache.bench;

import dev.querycache.Endpoint;
import dev.querycache.EndpointOptions;
import dev.querycache.QueryClient;
import dev.querycache.QueryFetcher;
import dev.querycache.QueryStatus;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.openjdk.jol.info.GraphLayout;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * What does a cached entry cost in heap when its data came over real HTTP, and what does an errored one
 * cost? The soak of the sample app (issue: memory under a soak) found errored entries heavy: each kept a
 * WebClient exception with its full stack and its settled fetch. This runs a reactor-netty server on
 * loopback (200 with a small JSON body for {@code /ok/*}, 503 for {@code /fail/*}), fetches N keys of each
 * through WebClient into one query-cache endpoint, and reports, with JOL, the client's object graph per
 * entry (empty client subtracted; the successful entries' bodies included), and the size of one
 * WebClient error as its waiters got it, before the entry trimmed it.
 *
 * <pre>java -cp query-cache-benchmarks/target/benchmarks.jar dev.querycache.bench.EntryHeap [N]</pre>
 */
public final class EntryHeap {

    private EntryHeap() {
    }

    public static void main(String[] args) {
        System.setProperty("jol.magicFieldOffset", "true");
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .route(r -> r
                        .get("/ok/{id}", (req, res) -> res.header("Content-Type", "application/json")
                                .sendString(Mono.just("{\"id\":\"" + req.param("id") + "\",\"name\":\"item\"}")))
                        .get("/fail/{id}", (req, res) -> res.status(503).sendString(Mono.just("upstream down"))))
                .bindNow();
        try {
            WebClient http = WebClient.create("http://127.0.0.1:" + server.port());
            long success = perEntry(http, "ok", n, null, UnaryOperator.identity());
            AtomicLong wholeError = new AtomicLong();
            long coreOnly = perEntry(http, "fail", n, wholeError, UnaryOperator.identity());
            long starter = perEntry(http, "fail", n, null, starterCompactor());
            System.out.printf("entries: %d of each%n", n);
            System.out.printf("successful entry (WebClient, ~40-byte JSON body as String): %6d bytes per entry%n", success);
            System.out.printf("errored entry, core alone (stack trimmed):                   %6d bytes per entry%n", coreOnly);
            System.out.printf("errored entry, as the starter keeps it (light copy):         %6d bytes per entry%n", starter);
            System.out.printf("one WebClient 503 error as its waiters got it (whole graph): %6d bytes%n", wholeError.get());
        } finally {
            server.disposeNow();
        }
    }

    /** Bytes per entry of a client holding {@code n} entries fetched from {@code /path/i}. */
    /** The compactor the Spring Boot starter registers when WebFlux is present (package-private there). */
    @SuppressWarnings("unchecked")
    private static UnaryOperator<Throwable> starterCompactor() {
        try {
            Method compact = Class.forName("dev.querycache.spring.WebClientErrors").getDeclaredMethod("compact", Throwable.class);
            compact.setAccessible(true);
            return e -> {
                try {
                    return (Throwable) compact.invoke(null, e);
                } catch (ReflectiveOperationException x) {
                    throw new IllegalStateException(x);
                }
            };
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the starter's WebClientErrors is not on the class path", e);
        }
    }

    private static long perEntry(WebClient http, String path, int n, AtomicLong wholeError,
                                 UnaryOperator<Throwable> storedErrors) {
        QueryFetcher<Integer, String> fetcher = id -> http.get().uri("/" + path + "/" + id).retrieve()
                .bodyToMono(String.class);
        try (QueryClient client = QueryClient.builder().maximumSize(n * 2L).storedErrors(storedErrors)
                .endpoint("items", fetcher,
                        EndpointOptions.builder().keepUnusedDataFor(EndpointOptions.NEVER).retries(0).build())
                .build()) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Endpoint<Integer, String> items = (Endpoint) client.endpoint("items");
            fill(items, -1, 0, wholeError);   // one entry first, so lazily made structures exist in both measurements
            long empty = GraphLayout.parseInstance(client).totalSize();
            fill(items, 0, n, null);
            System.gc();
            long full = GraphLayout.parseInstance(client).totalSize();
            QueryStatus expected = "ok".equals(path) ? QueryStatus.SUCCESS : QueryStatus.ERROR;
            if (items.state(n - 1).status() != expected) {
                throw new IllegalStateException("entry " + (n - 1) + " is " + items.state(n - 1).status());
            }
            return (full - empty) / n;
        }
    }

    private static void fill(Endpoint<Integer, String> items, int from, int to, AtomicLong wholeError) {
        int end = from < 0 ? 1 : to;
        int start = from < 0 ? 1_000_000 : from;
        int count = end - (from < 0 ? 0 : from);
        Flux.range(start, count)
                .flatMap(i -> items.query(i)
                        .doOnError(e -> {
                            if (wholeError != null) {
                                wholeError.compareAndSet(0, GraphLayout.parseInstance(e).totalSize());
                            }
                        })
                        .onErrorResume(e -> Mono.empty()), 32)
                .blockLast(Duration.ofMinutes(5));
    }
}
