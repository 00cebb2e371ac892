package dev.querycache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Objects;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The public surface of {@code dev.querycache} is the contract's plus what each type's Javadoc justifies
 * (the bus and observer SPIs, the structured option error, the inspector); everything else is package-private.
 * A type or method made public by accident fails here.
 */
class PublicSurfaceTest {

    @Test
    void thePublicTypesAreTheContractsAndTheDocumentedExtensionPoints() throws Exception {
        File dir = new File(new File(QueryClient.class.getProtectionDomain().getCodeSource().getLocation().toURI()), "dev/querycache");
        TreeSet<String> publicTypes = new TreeSet<>();
        for (String file : Objects.requireNonNull(dir.list())) {
            if (file.endsWith(".class") && !file.equals("package-info.class")) {
                Class<?> type = Class.forName("dev.querycache." + file.substring(0, file.length() - 6),
                        false, getClass().getClassLoader());
                if (Modifier.isPublic(type.getModifiers()) && isReachable(type)) {
                    publicTypes.add(type.getName().substring("dev.querycache.".length()));
                }
            }
        }
        assertThat(publicTypes).containsExactlyInAnyOrder(
                // the contract
                "QueryFetcher", "InfiniteQueryFetcher", "InfiniteData", "Tag", "QueryEndpoint", "InfiniteQueryEndpoint",
                "EndpointOptions", "EndpointOptions$Builder", "QueryClient", "QueryClient$Builder", "Endpoint",
                "InfiniteEndpoint", "QuerySubscription", "QueryStatus", "QueryState", "InfiniteQueryState",
                "PrefetchOptions", "SubscribeOptions", "QueryCacheStats", "QueryCacheEvent", "QueryCacheEvent$Type",
                "DehydratedState", "DehydratedState$DehydratedQuery", "UnknownEndpointException", "QueryAbortedException",
                "QueryScope", "QueryScopes", "RequestScope",
                // documented around it
                "QueryTimeoutException", "QueryClient$Inspector",
                "InvalidEndpointOptionException", "InvalidEndpointOptionException$Source",
                // for integrations that let untrusted traffic create entries (the starter's web layer)
                "Admission", "Admission$Gate", "Admission$Discarded", "QueryState$Source");
    }

    @Test
    void theIntegrationHooksLiveInTheirOwnPackage() throws Exception {
        File dir = new File(new File(QueryClient.class.getProtectionDomain().getCodeSource().getLocation().toURI()), "dev/querycache/spi");
        TreeSet<String> types = new TreeSet<>();
        for (String file : Objects.requireNonNull(dir.list())) {
            if (file.endsWith(".class") && !file.equals("package-info.class")) {
                types.add(file.substring(0, file.length() - 6));
            }
        }
        // what integrations (a cluster bus, metrics, tracing, a second level) implement or call; nothing of the engine
        assertThat(types).containsExactlyInAnyOrder("InvalidationBus", "Invalidation", "Invalidation$Kind",
                "FetchObserver", "FetchObserver$Outcome", "FetchTracing", "SharedLevel", "SharedLevel$Loaded", "SharedLevel$Entry");
        for (String t : types) {
            assertThat(Modifier.isPublic(Class.forName("dev.querycache.spi." + t).getModifiers())).as(t).isTrue();
        }
    }

    private static boolean isReachable(Class<?> type) {
        for (Class<?> c = type.getEnclosingClass(); c != null; c = c.getEnclosingClass()) {
            if (!Modifier.isPublic(c.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    @Test
    void theClientHasTheContractsMethodsAndOneInspector() {
        TreeSet<String> methods = new TreeSet<>();
        for (Method m : QueryClient.class.getDeclaredMethods()) {
            if (!m.isSynthetic()) {
                methods.add(m.getName());
            }
        }
        assertThat(methods).containsExactlyInAnyOrder("builder", "endpoint", "infiniteEndpoint", "invalidateTags",
                "awaitRunningQueries", "dehydrate", "hydrate", "resetApiState", "entries", "stats", "events", "close",
                "inspector");
    }

    @Test
    void optionsExposeNoEngineAccessors() {
        for (Class<?> type : new Class<?>[] {PrefetchOptions.class, SubscribeOptions.class, EndpointOptions.class}) {
            assertThat(Arrays.stream(type.getDeclaredMethods()).filter(m -> Modifier.isPublic(m.getModifiers()))
                    .filter(m -> !Modifier.isStatic(m.getModifiers()))
                    .map(Method::getName).filter(n -> !n.equals("toString") && !n.startsWith("with")))
                    .as(type.getSimpleName() + " has only factories, withers and toString in public").isEmpty();
        }
        assertThat(Arrays.stream(dev.querycache.spi.Invalidation.class.getConstructors())).as("no public constructor").isEmpty();
    }
}
