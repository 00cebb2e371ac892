package dev.querycache.spring.internal;

import dev.querycache.InfiniteQueryFetcher;
import dev.querycache.QueryClient;
import dev.querycache.QueryFetcher;
import java.lang.reflect.Type;
import org.springframework.core.ResolvableType;

/**
 * The arg, data and page-param types of an endpoint, from its fetcher's generic signature, for the
 * integrations that turn JSON back into typed args and data (web, SSR state, cluster). Stateless.
 */
public final class EndpointTypes {

    private EndpointTypes() {
    }

    /** Generic slots: plain {@code QueryFetcher<A, R>}; infinite {@code InfiniteQueryFetcher<A, P, R>}. */
    public record Types(Type arg, Type data, Type pageParam, boolean infinite) {
    }

    /** Resolved once per fetcher class; a ClassValue, so it never keeps a class loader alive. */
    private static final ClassValue<Types> BY_CLASS = new ClassValue<>() {
        @Override
        protected Types computeValue(Class<?> fetcherClass) {
            return resolve(fetcherClass);
        }
    };

    /** The types of the named endpoint. */
    public static Types of(QueryClient client, String endpoint) {
        return BY_CLASS.get(client.inspector().fetcherType(endpoint));
    }

    private static Types resolve(Class<?> fetcherClass) {
        ResolvableType type = ResolvableType.forClass(fetcherClass);
        if (InfiniteQueryFetcher.class.isAssignableFrom(fetcherClass)) {
            ResolvableType f = type.as(InfiniteQueryFetcher.class);
            return new Types(resolve(f, 0), resolve(f, 2), resolve(f, 1), true);
        }
        ResolvableType f = type.as(QueryFetcher.class);
        return new Types(resolve(f, 0), resolve(f, 1), Object.class, false);
    }

    private static Type resolve(ResolvableType fetcher, int index) {
        ResolvableType g = fetcher.getGeneric(index);
        return g.resolve() == null ? Object.class : g.getType();
    }
}
