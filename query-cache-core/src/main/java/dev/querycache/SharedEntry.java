package dev.querycache;

import dev.querycache.spi.SharedLevel;
import java.time.Duration;
import java.util.Set;

/** One entry as a {@link SharedLevel} sees it; made per shared fetch (a miss), never on a hit. Immutable. */
final class SharedEntry implements SharedLevel.Entry {

    private final EndpointRuntime endpoint;
    private final Object arg;
    private final String principal;

    SharedEntry(EndpointRuntime endpoint, Object key) {
        this.endpoint = endpoint;
        this.arg = EntryKey.userArg(key);
        this.principal = EntryKey.principal(key);
    }

    @Override
    public String endpoint() {
        return endpoint.name();
    }

    @Override
    public Object arg() {
        return arg;
    }

    @Override
    public String principal() {
        return principal;
    }

    @Override
    public boolean infinite() {
        return endpoint.behavior().isInfinite();
    }

    @Override
    public Duration fetchTimeout() {
        return endpoint.options().fetchTimeout();
    }

    @Override
    public Duration staleTime() {
        long ms = endpoint.options().staleMillis();
        return ms == Long.MAX_VALUE ? null : Duration.ofMillis(ms);
    }

    @Override
    public Duration keepUnusedDataFor() {
        long nanos = endpoint.options().keepUnusedNanos();
        return nanos == Long.MAX_VALUE ? null : Duration.ofNanos(nanos);
    }

    @Override
    public Set<Tag> providedTags(Object data) {
        return Fetching.tagsOf(endpoint, EntryKey.of(principal, arg), data);
    }

    @Override
    public String toString() {
        return endpoint.name() + (principal == null ? "" : " of " + principal) + " for " + arg;
    }
}
