package dev.querycache.spring.sharedapp;

import dev.querycache.InfiniteQueryEndpoint;
import dev.querycache.InfiniteQueryFetcher;
import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import dev.querycache.QueryScope;
import dev.querycache.QueryScopes;
import dev.querycache.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * One "instance" of a service whose entries are shared through Redis. Every instance in the JVM calls the
 * same upstream ({@link Upstream}), so its counters are the cluster's upstream calls.
 */
@SpringBootApplication
public class SharedTestApplication {

    /** The one upstream every instance calls: calls per key, and a switch to make a key hang once. */
    public static final class Upstream {
        public static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
        public static final Set<String> HANG_ONCE = ConcurrentHashMap.newKeySet();

        private Upstream() {
        }

        static int call(String key) {
            return CALLS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        }

        public static int calls(String key) {
            AtomicInteger n = CALLS.get(key);
            return n == null ? 0 : n.get();
        }

        public static int total(String prefix) {
            return CALLS.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                    .mapToInt(e -> e.getValue().get()).sum();
        }
    }

    public record Product(String id, String name, List<String> colours, Instant updated, Long version) {
    }

    /** A slow upstream (50 ms), so that instances asking at once overlap. */
    @Component("products")
    @QueryEndpoint(keepUnusedDataFor = "never", tags = "Product")
    public static class Products implements QueryFetcher<String, Product> {
        @Override
        public Mono<Product> fetch(String id) {
            return Mono.delay(Duration.ofMillis(50)).map(t -> {
                int n = Upstream.call("products:" + id);
                return new Product(id, "product " + id, List.of("red", "blue"), Instant.ofEpochMilli(1_700_000_000_000L + n),
                        (long) n);
            });
        }

        @Override
        public Set<Tag> providesTags(String id, Product result) {
            return Set.of(Tag.of("Product", id));
        }
    }

    /** One entry per caller. */
    @Component("basket")
    @QueryEndpoint(keepUnusedDataFor = "never", scope = QueryScope.PRINCIPAL)
    public static class Basket implements QueryFetcher<String, String> {
        @Override
        public Mono<String> fetch(String arg) {
            return Mono.deferContextual(ctx -> {
                String who = QueryScopes.principal(ctx);
                return Mono.just(who + ":" + arg + "#" + Upstream.call("basket:" + who + ":" + arg));
            });
        }
    }

    /** Hangs on its first call of a key in {@link Upstream#HANG_ONCE}; fetchTimeout 1s (set in the test). */
    @Component("slow")
    @QueryEndpoint(keepUnusedDataFor = "never")
    public static class Slow implements QueryFetcher<String, String> {
        @Override
        public Mono<String> fetch(String arg) {
            return Mono.defer(() -> {
                if (Upstream.HANG_ONCE.remove(arg)) {
                    Upstream.call("slow:" + arg);
                    return Mono.never();
                }
                return Mono.just(arg + "#" + Upstream.call("slow:" + arg));
            });
        }
    }

    /** Fresh for 30 s: a copy in Redis lives as long. */
    @Component("quotes")
    @QueryEndpoint(keepUnusedDataFor = "never", staleTime = "30s")
    public static class Quotes implements QueryFetcher<String, String> {
        @Override
        public Mono<String> fetch(String arg) {
            return Mono.just(arg + "#" + Upstream.call("quotes:" + arg));
        }
    }

    /** Fresh until invalidated, kept 45 s unused: a copy lives 45 s from its last read. */
    @Component("notes")
    @QueryEndpoint(keepUnusedDataFor = "45s")
    public static class Notes implements QueryFetcher<String, String> {
        @Override
        public Mono<String> fetch(String arg) {
            return Mono.just(arg + "#" + Upstream.call("notes:" + arg));
        }
    }

    /** Answers empty for args starting with "none", else a value. */
    @Component("maybe")
    @QueryEndpoint(keepUnusedDataFor = "never")
    public static class Maybe implements QueryFetcher<String, String> {
        @Override
        public Mono<String> fetch(String arg) {
            int n = Upstream.call("maybe:" + arg);
            return arg.startsWith("none") ? Mono.empty() : Mono.just(arg + "#" + n);
        }
    }

    /** Values of {@code arg} kilobytes: over the test's max-value-size (4KB) from 4 on. */
    @Component("blobs")
    @QueryEndpoint(keepUnusedDataFor = "never")
    public static class Blobs implements QueryFetcher<Integer, String> {
        @Override
        public Mono<String> fetch(Integer kilobytes) {
            Upstream.call("blobs:" + kilobytes);
            return Mono.just("x".repeat(kilobytes * 1024));
        }
    }

    /** Pages of numbers, numbered by a Long page param. */
    @Component("numbers")
    @InfiniteQueryEndpoint(keepUnusedDataFor = "never")
    public static class Numbers implements InfiniteQueryFetcher<String, Long, List<Integer>> {
        @Override
        public Long initialPageParam() {
            return 0L;
        }

        @Override
        public Mono<List<Integer>> fetchPage(String arg, Long page) {
            Upstream.call("numbers:" + arg + ":" + page);
            return Mono.just(List.of((int) (page * 10), (int) (page * 10 + 1)));
        }

        @Override
        public Long getNextPageParam(List<Integer> lastPage, List<List<Integer>> allPages, Long lastParam,
                                     List<Long> allParams) {
            return lastParam + 1;
        }
    }

    /** Per key, the upstream's current version of an article (the randomized test bumps it before invalidating). */
    public static final Map<String, java.util.concurrent.atomic.AtomicLong> ARTICLE_VERSIONS = new ConcurrentHashMap<>();

    public record Article(String id, long version) {
    }

    /** Kept 2 s unused, tagged by id and by group ({@code id}'s last character): the copy outlives any index. */
    @Component("articles")
    @QueryEndpoint(keepUnusedDataFor = "2s", tags = "Article")
    public static class Articles implements QueryFetcher<String, Article> {
        @Override
        public Mono<Article> fetch(String id) {
            return Mono.fromSupplier(() -> {
                Upstream.call("articles:" + id);
                return new Article(id, ARTICLE_VERSIONS.computeIfAbsent(id, k -> new java.util.concurrent.atomic.AtomicLong()).get());
            });
        }

        @Override
        public Set<Tag> providesTags(String id, Article result) {
            return Set.of(Tag.of("Article", id), Tag.of("ArticleGroup", group(id)));
        }

        public static String group(String id) {
            return id.substring(id.length() - 1);
        }
    }

    /** Private fields, no getters: JSON writes it as {}; it has a value equals, so the difference shows. */
    public static final class Opaque {
        private final String name;
        private final String region;

        public Opaque(String name, String region) {
            this.name = name;
            this.region = region;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Opaque other && java.util.Objects.equals(name, other.name)
                    && java.util.Objects.equals(region, other.region);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(name, region);
        }

        @Override
        public String toString() {
            return "Opaque(" + name + "," + region + ")";
        }
    }

    @Component("opaque")
    @QueryEndpoint(keepUnusedDataFor = "never")
    public static class Opaques implements QueryFetcher<String, Opaque> {
        @Override
        public Mono<Opaque> fetch(String name) {
            Upstream.call("opaque:" + name);
            return Mono.just(new Opaque(name, "kanto"));
        }
    }

    /** Getters but no equals: a copy can never be proven equal to the value. */
    public static final class Identity {
        private final String name;

        public Identity(@com.fasterxml.jackson.annotation.JsonProperty("name") String name) {
            this.name = name;
        }

        public String getName() {
            return name;
        }
    }

    @Component("identities")
    @QueryEndpoint(keepUnusedDataFor = "never")
    public static class Identities implements QueryFetcher<String, Identity> {
        @Override
        public Mono<Identity> fetch(String name) {
            Upstream.call("identities:" + name);
            return Mono.just(new Identity(name));
        }
    }

    /** The threads every fetch of {@link Threads} was subscribed on. */
    public static final Set<String> FETCH_THREADS = ConcurrentHashMap.newKeySet();

    @Component("threads")
    @QueryEndpoint(keepUnusedDataFor = "never", tags = "Thread")
    public static class Threads implements QueryFetcher<String, String> {
        @Override
        public Mono<String> fetch(String arg) {
            return Mono.fromSupplier(() -> {
                FETCH_THREADS.add(Thread.currentThread().getName());
                return arg + "#" + Upstream.call("threads:" + arg);
            });
        }
    }
}
