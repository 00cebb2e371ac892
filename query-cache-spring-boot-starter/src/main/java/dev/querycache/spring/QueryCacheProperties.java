package dev.querycache.spring;

import dev.querycache.spring.state.DehydratedStateJson;
import dev.querycache.spring.state.StateFormat;
import dev.querycache.EndpointOptions;
import dev.querycache.QueryScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for query-cache, under {@code query-cache.}. Options of one endpoint
 * ({@code endpoints.<name>.*}) take precedence over its annotation, which takes precedence over
 * {@code defaults.*}. Durations accept Spring Boot's formats ({@code 60s}, {@code 500ms}, {@code PT2M})
 * and, for {@code keep-unused-data-for} and {@code stale-time}, {@code never}.
 */
@ConfigurationProperties("query-cache")
public class QueryCacheProperties {

    /** Whether to auto-configure the QueryClient. */
    private boolean enabled = true;

    /**
     * Most entries without subscribers that each endpoint keeps (entries with subscribers or a running
     * fetch do not count); beyond it Caffeine evicts by its W-TinyLFU policy. An endpoint's own
     * 'maximum-size' (or 'defaults.maximum-size') wins.
     */
    private long maximumSize = 10_000;

    /** Options for every endpoint, below annotations and per-endpoint options. */
    @NestedConfigurationProperty
    private final EndpointProperties defaults = new EndpointProperties();

    /** Options per endpoint name, above annotations; a name that is no endpoint fails startup. */
    private final Map<String, EndpointProperties> endpoints = new LinkedHashMap<>();

    /** HTTP prefetch, route preloads and preload.js (WebFlux). */
    private final Web web = new Web();

    /** The live cache page. */
    private final Devtools devtools = new Devtools();

    /** Keeping the cache across restarts. */
    private final Persistence persistence = new Persistence();

    /** The Spring Cache bridge. */
    private final SpringCache springCache = new SpringCache();

    /** Invalidation across the instances of a service. */
    private final Cluster cluster = new Cluster();

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public long getMaximumSize() { return maximumSize; }
    public void setMaximumSize(long maximumSize) { this.maximumSize = maximumSize; }
    public EndpointProperties getDefaults() { return defaults; }
    public Map<String, EndpointProperties> getEndpoints() { return endpoints; }
    public Web getWeb() { return web; }
    public Devtools getDevtools() { return devtools; }
    public Persistence getPersistence() { return persistence; }
    public SpringCache getSpringCache() { return springCache; }
    public Cluster getCluster() { return cluster; }

    /** Options of one endpoint (or the defaults); every one optional. */
    public static class EndpointProperties {

        /** How long an entry without subscribers is kept ("0" removes at once, "never" keeps it). */
        @NeverAllowed
        private Duration keepUnusedDataFor;

        /** How long fetched data counts as fresh ("never" = never stale). */
        @NeverAllowed
        private Duration staleTime;

        /** Whether a query answers stale data at once and refetches in the background. */
        private Boolean staleWhileRevalidate;

        /** Most pages per infinite entry; 0 = unlimited. */
        private Integer maxPages;

        /** Whether a refetch of an infinite entry fetches every cached page again or only the first. */
        private Boolean refetchCachedPages;

        /** How often a failed fetch is retried. */
        private Integer retries;

        /** Wait before the first retry; doubles with each further retry. */
        private Duration retryBackoff;

        /** Longest one fetch attempt may take. */
        private Duration fetchTimeout;

        /** Who shares the entries. */
        private QueryScope scope;

        /** Most unused entries this endpoint keeps; unset = the top-level 'query-cache.maximum-size'. */
        private Long maximumSize;

        public Long getMaximumSize() { return maximumSize; }
        public void setMaximumSize(Long v) { this.maximumSize = v; }
        public Duration getKeepUnusedDataFor() { return keepUnusedDataFor; }
        public void setKeepUnusedDataFor(Duration v) { this.keepUnusedDataFor = v; }
        public Duration getStaleTime() { return staleTime; }
        public void setStaleTime(Duration v) { this.staleTime = v; }
        public Boolean getStaleWhileRevalidate() { return staleWhileRevalidate; }
        public void setStaleWhileRevalidate(Boolean v) { this.staleWhileRevalidate = v; }
        public Integer getMaxPages() { return maxPages; }
        public void setMaxPages(Integer v) { this.maxPages = v; }
        public Boolean getRefetchCachedPages() { return refetchCachedPages; }
        public void setRefetchCachedPages(Boolean v) { this.refetchCachedPages = v; }
        public Integer getRetries() { return retries; }
        public void setRetries(Integer v) { this.retries = v; }
        public Duration getRetryBackoff() { return retryBackoff; }
        public void setRetryBackoff(Duration v) { this.retryBackoff = v; }
        public Duration getFetchTimeout() { return fetchTimeout; }
        public void setFetchTimeout(Duration v) { this.fetchTimeout = v; }
        public QueryScope getScope() { return scope; }
        public void setScope(QueryScope v) { this.scope = v; }

        /**
         * These properties as core options (unset stays unset). Read generically: every property is passed to
         * the {@link EndpointOptions.Builder} method of the same name, so an option is written once in the
         * core's model and once here (for binding and IDE metadata), never mapped by hand.
         */
        EndpointOptions toOptions() {
            return OptionProperties.toOptions(this);
        }
    }

    /** HTTP integration (WebFlux); read by the web auto-configuration. */
    public static class Web {

        /**
         * Whether to turn on the web layer: the route-preload filter, single-flight writes, and the HTTP
         * endpoints prefetch, preload, preload.js, the read-through /q, the events stream and tanstack.js.
         */
        private boolean enabled = false;

        /** Base path of the query-cache HTTP endpoints. */
        private String basePath = "/_query";

        /** Endpoint names that POST {base-path}/prefetch may prefetch; others answer 404. */
        private List<String> prefetchable = new ArrayList<>();

        /** Largest accepted request body. */
        private DataSize maxBodySize = DataSize.ofKilobytes(4);

        /** Most pages one HTTP prefetch of an infinite endpoint may ask for. */
        private int maxPrefetchPages = 10;

        /**
         * The format of the page state that DehydratedStateJson.scriptElement writes: 'query-cache' (its own),
         * 'tanstack' (TanStack Query v5's DehydratedState) or 'rtk-query' (an RTK Query api slice state).
         */
        private dev.querycache.spring.state.StateFormat stateFormat = dev.querycache.spring.state.StateFormat.QUERY_CACHE;

        /** How often the invalidation events stream ({base-path}/events) sends a comment to keep idle connections open. */
        private Duration eventsHeartbeat = Duration.ofSeconds(20);

        /** What HTTP prefetch, preload and GET route preloads may cost: they run for anyone who can reach them. */
        private final Budget budget = new Budget();

        public Budget getBudget() { return budget; }

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getBasePath() { return basePath; }
        public void setBasePath(String basePath) { this.basePath = basePath; }
        public List<String> getPrefetchable() { return prefetchable; }
        public void setPrefetchable(List<String> prefetchable) { this.prefetchable = prefetchable; }
        public DataSize getMaxBodySize() { return maxBodySize; }
        public void setMaxBodySize(DataSize maxBodySize) { this.maxBodySize = maxBodySize; }
        public dev.querycache.spring.state.StateFormat getStateFormat() { return stateFormat; }
        public void setStateFormat(dev.querycache.spring.state.StateFormat stateFormat) { this.stateFormat = stateFormat; }
        /**
         * How many of the latest invalidations {@code {base}/events} keeps, so that a stream that reconnects
         * ({@code Last-Event-ID}) gets what it missed; older than that, it gets a {@code reset} event instead.
         */
        private int eventsReplay = 1000;

        /**
         * How long a single-flight write (a request with the Query-Cache-Refresh header) waits for the refetches it
         * caused before it answers; entries not settled by then are left out of its state.
         */
        private Duration refreshTimeout = Duration.ofSeconds(2);

        /**
         * How long a streamed page (StreamedPage) waits for its pending queries: what has not settled by then keeps
         * its fallback, is announced to the browser cache as not coming, and the response ends.
         */
        private Duration streamTimeout = Duration.ofSeconds(10);

        /**
         * The exchange attribute holding the page's Content-Security-Policy nonce: a streamed page's inline scripts
         * carry it. Empty: no nonce.
         */
        private String cspNonceAttribute = "cspNonce";

        public Duration getStreamTimeout() { return streamTimeout; }
        public void setStreamTimeout(Duration v) { this.streamTimeout = v; }
        public String getCspNonceAttribute() { return cspNonceAttribute; }
        public void setCspNonceAttribute(String v) { this.cspNonceAttribute = v; }
        public Duration getRefreshTimeout() { return refreshTimeout; }
        public void setRefreshTimeout(Duration v) { this.refreshTimeout = v; }
        public int getEventsReplay() { return eventsReplay; }
        public void setEventsReplay(int eventsReplay) { this.eventsReplay = eventsReplay; }
        public Duration getEventsHeartbeat() { return eventsHeartbeat; }
        public void setEventsHeartbeat(Duration eventsHeartbeat) { this.eventsHeartbeat = eventsHeartbeat; }
        public int getMaxPrefetchPages() { return maxPrefetchPages; }
        public void setMaxPrefetchPages(int maxPrefetchPages) { this.maxPrefetchPages = maxPrefetchPages; }
    }

    /** Limits on what anonymous HTTP traffic may make the cache do; refusals are counted. */
    public static class Budget {

        /**
         * Prefetch/preload requests (and GET route preloads) one client may make per second on average;
         * a client is the signed-in caller, else the remote address. Over it: 429 (GET pages still render,
         * without their preloads).
         */
        private double perClientRate = 10;

        /** How many such requests one client may make in a burst above the average rate. */
        private int perClientBurst = 50;

        /**
         * Most entries HTTP traffic (prefetch, preload, route preloads, {@code /q}) may keep per endpoint on
         * probation: entries that take no room of maximumSize, so they never evict the application's own, until
         * the application reads them. When full, the client holding the most loses its oldest unused one.
         */
        private int maxNewEntriesPerEndpoint = 1000;

        /** Most of those one client may hold per endpoint; beyond it, its own oldest unused one makes room. */
        private int maxNewEntriesPerClient = 100;

        public double getPerClientRate() { return perClientRate; }
        public void setPerClientRate(double v) { this.perClientRate = v; }
        public int getPerClientBurst() { return perClientBurst; }
        public void setPerClientBurst(int v) { this.perClientBurst = v; }
        public int getMaxNewEntriesPerEndpoint() { return maxNewEntriesPerEndpoint; }
        public void setMaxNewEntriesPerEndpoint(int v) { this.maxNewEntriesPerEndpoint = v; }
        public int getMaxNewEntriesPerClient() { return maxNewEntriesPerClient; }
        public void setMaxNewEntriesPerClient(int v) { this.maxNewEntriesPerClient = v; }
    }

    /** Devtools page. */
    public static class Devtools {

        /** Whether to serve the live cache page at {base-path}/devtools. */
        private boolean enabled = false;

        /** Most devtools pages open at once (they share one feed); one more is answered 429. */
        private int maxViewers = 10;

        public int getMaxViewers() { return maxViewers; }
        public void setMaxViewers(int v) { this.maxViewers = v; }

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
    }

    /** Persistence of the dehydrated cache. */
    public static class Persistence {

        /** Whether persistence is on when a file is set. */
        private boolean enabled = true;

        /** File the cache is dehydrated to on shutdown and hydrated from on start-up; unset = no persistence. */
        private String file;

        /** Largest state file read at start-up; a larger one is logged and ignored (never read into memory). */
        private DataSize maxFileSize = DataSize.ofMegabytes(64);

        /**
         * Most entries hydrated from the file at start-up (read one at a time, never the whole file at once);
         * each endpoint keeps at most its maximum-size of them.
         */
        private long maxEntries = 1_000_000;

        /** Largest entry (its JSON) read from or written to the file; a larger one is skipped, with a log line naming its endpoint. */
        private DataSize maxEntrySize = DataSize.ofMegabytes(4);

        public DataSize getMaxEntrySize() { return maxEntrySize; }
        public void setMaxEntrySize(DataSize v) { this.maxEntrySize = v; }
        public long getMaxEntries() { return maxEntries; }
        public void setMaxEntries(long v) { this.maxEntries = v; }
        public DataSize getMaxFileSize() { return maxFileSize; }
        public void setMaxFileSize(DataSize v) { this.maxFileSize = v; }

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getFile() { return file; }
        public void setFile(String file) { this.file = file; }
    }

    /** The Spring Cache bridge. */
    public static class SpringCache {

        /**
         * Whether to register a CacheManager named "queryCacheManager" whose caches are views of the
         * endpoints. Off by default: any CacheManager bean makes Spring Boot's own cache
         * auto-configuration back off.
         */
        private boolean enabled = false;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
    }

    /** Invalidation across instances. */
    public static class Cluster {

        /** Redis transport. */
        private final Redis redis = new Redis();

        /** Redis as every instance's second level (one upstream fetch per key across the cluster). */
        private final Shared shared = new Shared();

        /** Pub/sub channel the invalidations travel on. */
        private String channel = "query-cache:invalidations";

        /** Redis hash holding a version counter per tag type and endpoint. */
        private String versionsKey = "query-cache:versions";

        /** How often each instance compares the version counters with what it applied, to repair lost messages. */
        private Duration reconcileInterval = Duration.ofSeconds(5);

        /**
         * Longest Spring Boot's Redis health check may take before it answers DOWN, so that
         * /actuator/health answers during a failover or an outage.
         */
        private Duration healthTimeout = Duration.ofSeconds(2);

        public Duration getHealthTimeout() { return healthTimeout; }
        public void setHealthTimeout(Duration healthTimeout) { this.healthTimeout = healthTimeout; }
        public Redis getRedis() { return redis; }
        public Shared getShared() { return shared; }
        public String getChannel() { return channel; }
        public void setChannel(String channel) { this.channel = channel; }
        public String getVersionsKey() { return versionsKey; }
        public void setVersionsKey(String versionsKey) { this.versionsKey = versionsKey; }
        public Duration getReconcileInterval() { return reconcileInterval; }
        public void setReconcileInterval(Duration reconcileInterval) { this.reconcileInterval = reconcileInterval; }

        /** Redis as every instance's second level. */
        public static class Shared {

            /**
             * Whether SHARED entries, and PRINCIPAL entries under their caller, are also kept in Redis, read on a
             * local miss before fetching, and fetched by one instance at a time (needs
             * query-cache.cluster.redis.enabled=true). REQUEST entries never are.
             */
            private boolean enabled = false;

            /** Prefix of every Redis key (copies, leases, index sets) and of the "ready" channel. */
            private String keyPrefix = "query-cache:shared:";

            /** Largest value kept in Redis; larger values stay local (logged once per endpoint). */
            private org.springframework.util.unit.DataSize maxValueSize = org.springframework.util.unit.DataSize.ofMegabytes(1);

            /** How long a Redis command may take before the instance fetches on its own (and treats Redis as down). */
            private Duration timeout = Duration.ofSeconds(2);

            /** Endpoints whose entries stay local. */
            private java.util.List<String> exclude = new java.util.ArrayList<>();

            public boolean isEnabled() { return enabled; }
            public void setEnabled(boolean enabled) { this.enabled = enabled; }
            public String getKeyPrefix() { return keyPrefix; }
            public void setKeyPrefix(String keyPrefix) { this.keyPrefix = keyPrefix; }
            public org.springframework.util.unit.DataSize getMaxValueSize() { return maxValueSize; }
            public void setMaxValueSize(org.springframework.util.unit.DataSize maxValueSize) { this.maxValueSize = maxValueSize; }
            public Duration getTimeout() { return timeout; }
            public void setTimeout(Duration timeout) { this.timeout = timeout; }
            public java.util.List<String> getExclude() { return exclude; }
            public void setExclude(java.util.List<String> exclude) { this.exclude = exclude; }
        }

        /** Redis transport. */
        public static class Redis {

            /** Whether to carry invalidations between instances over Redis (needs Spring Data Redis). */
            private boolean enabled = false;

            public boolean isEnabled() { return enabled; }
            public void setEnabled(boolean enabled) { this.enabled = enabled; }
        }
    }
}
