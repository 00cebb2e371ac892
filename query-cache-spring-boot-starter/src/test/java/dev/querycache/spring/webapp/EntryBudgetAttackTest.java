package dev.querycache.spring.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.querycache.QueryStatus;
import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.retry.Retry;

/**
 * The attack of issue "one way to evict everyone's entries", over real HTTP from many client addresses (each
 * a loopback address of its own, 127.0.0.x, so the server sees that many clients): made-up names through
 * every path that creates entries (POST preload, GET route preloads, prefetch, {@code /q}), each client
 * inside its burst. The application's hot entries must all survive, the entries HTTP created must stay
 * bounded, and a new client must still get its entry afterwards.
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"query-cache.web.enabled=true", "query-cache.web.prefetchable=pokemon",
                "query-cache.endpoints.pokemon.maximum-size=40",
                "query-cache.endpoints.pokemon.keep-unused-data-for=10m",
                "query-cache.web.budget.max-new-entries-per-endpoint=100",
                "query-cache.web.budget.max-new-entries-per-client=10",
                "query-cache.web.budget.per-client-burst=50"})
@Import(EntryBudgetAttackTest.ServerSideLog.class)
class EntryBudgetAttackTest extends WebAppHttpTestSupport {

    private static final int ATTACKERS = 120;
    private static final int HOT = 40;

    private final Map<Integer, WebClient> clients = new ConcurrentHashMap<>();

    /**
     * Every request the server received and whether it answered it, seen first in its filter chain. On a busy
     * 2-core machine about one run in ten loses one of the 4 800 requests between the client's connection pool
     * and the server: the server never sees it (not in here, all its threads idle), so the client waits for an
     * answer that cannot come. Such a request is sent again once (see {@link #status}), and this log shows
     * that the server left no request it received unanswered.
     */
    static final Map<Object, String> SERVER_SAW = new ConcurrentHashMap<>();

    @TestConfiguration
    static class ServerSideLog {
        @Bean
        WebFilter everyRequestTheServerReceived() {
            return new RequestLogFilter();
        }
    }

    static final class RequestLogFilter implements WebFilter, Ordered {
        @Override
        public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
            Object request = new Object();
            String what = exchange.getRequest().getMethod() + " " + exchange.getRequest().getURI().getRawPath();
            SERVER_SAW.put(request, what + ": open");
            return chain.filter(exchange).doFinally(signal -> SERVER_SAW.put(request, what + ": " + signal + " "
                    + (exchange.getResponse().getStatusCode() == null ? "none" : exchange.getResponse().getStatusCode().value())));
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }

    /** A client whose connections leave from 127.0.0.{2 + n % 250} / 127.0.{1 + n / 250}.x: a client address of its own. */
    private WebClient from(int n) {
        return clients.computeIfAbsent(n, k -> {
            String address = "127.0." + (1 + k / 250) + "." + (2 + k % 250);
            HttpClient http = HttpClient.create(ConnectionProvider.builder("attacker-" + k).maxConnections(4).pendingAcquireMaxCount(-1).build())
                    .bindAddress(() -> new InetSocketAddress(address, 0))
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                    .responseTimeout(Duration.ofSeconds(20));
            return WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                    .clientConnector(new ReactorClientHttpConnector(http)).build();
        });
    }

    /** The answer's status; a request that got no answer at all within 20 s is sent once more (see {@link #SERVER_SAW}). */
    private static Mono<Integer> status(WebClient.RequestHeadersSpec<?> spec) {
        return spec.exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
                .retryWhen(Retry.max(1).filter(e -> e.getCause() instanceof ReadTimeoutException));
    }

    private Mono<Integer> preload(WebClient c, String name) {
        return status(c.post().uri("/_query/preload").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"path\":\"/pokemon/" + name + "\"}"));
    }

    private Mono<Integer> prefetch(WebClient c, String name) {
        return status(c.post().uri("/_query/prefetch").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"endpoint\":\"pokemon\",\"arg\":\"" + name + "\"}"));
    }

    private Mono<Integer> read(WebClient c, String name) {
        return status(c.get().uri(java.net.URI.create("http://127.0.0.1:" + port + "/_query/q/pokemon?arg="
                + URLEncoder.encode("\"" + name + "\"", StandardCharsets.UTF_8))));
    }

    private Mono<Integer> routePreload(WebClient c, String name) {
        return status(c.get().uri("/preload-only/" + name));
    }

    @Test
    void madeUpNamesFromManyClientsEvictNoHotEntryStayBoundedAndLeaveRoomForANewClient() {
        SERVER_SAW.clear();
        for (int round = 0; round < 3; round++) {
            Flux.range(0, HOT).flatMap(i -> client.endpoint("pokemon").query("hot" + i)).blockLast(Duration.ofSeconds(60));
        }
        assertThat(upstream.calls).hasSize(HOT);

        // every attacker uses its whole burst: 40 requests, ten through each path, all made-up names
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<Mono<Integer>> attack = new ArrayList<>();
        for (int a = 0; a < ATTACKERS; a++) {
            WebClient c = from(a);
            for (int i = 0; i < 10; i++) {
                String name = "fake-" + a + "-" + i;
                attack.add(preload(c, name + "-p"));
                attack.add(routePreload(c, name + "-r"));
                attack.add(prefetch(c, name + "-f"));
                attack.add(read(c, name + "-q"));
            }
        }
        Flux.fromIterable(attack).flatMap(m -> m, 64)
                .doOnNext(s -> statuses.computeIfAbsent(s, k -> new AtomicInteger()).incrementAndGet())
                .blockLast(Duration.ofMinutes(3));
        client.awaitRunningQueries().block(Duration.ofSeconds(60));
        assertThat(statuses.keySet()).as("no server error: " + statuses).allMatch(s -> s < 500);
        // answered (its status is checked above): neither still open nor cancelled, which a client that gave up causes
        assertThat(SERVER_SAW.values()).as("every request the server received was answered")
                .hasSizeGreaterThanOrEqualTo(attack.size()).noneMatch(v -> v.endsWith(": open") || v.contains(": cancel"));
        assertThat(upstream.calls.keySet().stream().filter(k -> k.contains("fake")).count())
                .as("the attack did reach the upstream (it is a real attack)").isGreaterThan(100);

        // the application's hot entries: all still cached, none evicted, no refetch
        for (int i = 0; i < HOT; i++) {
            assertThat(client.endpoint("pokemon").state("hot" + i).status()).as("hot" + i).isEqualTo(QueryStatus.SUCCESS);
        }
        long hitsBefore = client.inspector().stats("pokemon").hitCount();
        Flux.range(0, HOT).flatMap(i -> client.endpoint("pokemon").query("hot" + i)).blockLast(Duration.ofSeconds(60));
        assertThat(client.inspector().stats("pokemon").hitCount() - hitsBefore).isEqualTo(HOT);
        for (int i = 0; i < HOT; i++) {
            assertThat(upstream.calls("pokemon:hot" + i)).isEqualTo(1);
        }
        assertThat(client.inspector().stats("pokemon").evictionCount()).as("nothing was evicted by size").isZero();

        // what HTTP created stays bounded by the pool (plus the route preloads' pages, none here: no handler)
        long created = client.entries().stream().filter(s -> String.valueOf(s.arg()).startsWith("fake")).count();
        assertThat(created).as("entries HTTP created").isLessThanOrEqualTo(100);

        // a new client still gets its entry, through prefetch and through /q, at once
        WebClient newcomer = from(ATTACKERS + 1);
        assertThat(prefetch(newcomer, "newcomer-prefetch").block(Duration.ofSeconds(30))).isEqualTo(202);
        assertThat(read(newcomer, "newcomer-read").block(Duration.ofSeconds(30))).isEqualTo(200);
        client.awaitRunningQueries().block(Duration.ofSeconds(60));
        assertThat(client.endpoint("pokemon").state("newcomer-prefetch").status()).isEqualTo(QueryStatus.SUCCESS);
    }

    @Test
    void oneClientOnlyChurnsItsOwnShareAndTheApplicationsReadPromotesAnEntry() {
        WebClient one = from(7);
        for (int i = 0; i < 30; i++) {
            assertThat(prefetch(one, "mine-" + i).block(Duration.ofSeconds(30))).isIn(202, 429);
            client.awaitRunningQueries().block(Duration.ofSeconds(30));
        }
        long mine = client.entries().stream().filter(s -> String.valueOf(s.arg()).startsWith("mine-")).count();
        assertThat(mine).as("one client keeps at most its share").isEqualTo(10);
        assertThat(client.endpoint("pokemon").state("mine-29").status()).as("its newest is kept").isEqualTo(QueryStatus.SUCCESS);
        assertThat(client.endpoint("pokemon").state("mine-0").status()).as("its oldest made room").isEqualTo(QueryStatus.UNINITIALIZED);

        // the application reads one: promoted, it no longer counts against the client and is never dropped for it
        client.endpoint("pokemon").query("mine-25").block(Duration.ofSeconds(30));
        for (int i = 30; i < 50; i++) {
            prefetch(one, "mine-" + i).block(Duration.ofSeconds(30));
            client.awaitRunningQueries().block(Duration.ofSeconds(30));
        }
        assertThat(client.endpoint("pokemon").state("mine-25").status()).isEqualTo(QueryStatus.SUCCESS);
        assertThat(upstream.calls("pokemon:mine-25")).isEqualTo(1);
    }
}
