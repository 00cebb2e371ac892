package dev.querycache.spring.web;

import dev.querycache.QueryClient;
import dev.querycache.QueryScope;
import dev.querycache.QueryScopes;
import dev.querycache.QueryState;
import dev.querycache.QueryStatus;
import dev.querycache.spring.internal.EndpointTypes;
import dev.querycache.spring.web.JsonInput.BadInput;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpStatus;

/**
 * The endpoints HTTP may reach ({@code query-cache.web.prefetchable}): the one allowlist of prefetch, the
 * read-through {@code /q} and the events stream. {@code REQUEST} endpoints are never reachable, and a
 * {@code PRINCIPAL} endpoint only by a signed-in caller. Immutable; thread-safe.
 */
final class ExposedEndpoints {

    private final QueryClient client;
    private final Set<String> allowed;

    ExposedEndpoints(QueryClient client, List<String> allowed) {
        this.client = client;
        this.allowed = Set.copyOf(allowed);
    }

    /**
     * The types of the endpoint {@code name}, if HTTP may reach it as {@code principal} (null: anonymous).
     *
     * @throws BadInput 404 for a name that is not listed, unknown or {@code REQUEST}; 401 for a
     *     {@code PRINCIPAL} endpoint without a caller
     */
    EndpointTypes.Types resolve(String name, String principal) {
        if (!allowed.contains(name) || !client.inspector().endpointNames().contains(name)
                || client.inspector().scope(name) == QueryScope.REQUEST) {
            throw new BadInput(HttpStatus.NOT_FOUND, "no prefetchable endpoint named '" + shorten(name) + "'");
        }
        if (client.inspector().scope(name) == QueryScope.PRINCIPAL && principal == null) {
            throw new BadInput(HttpStatus.UNAUTHORIZED, "endpoint '" + shorten(name) + "' is per user: sign in first");
        }
        return EndpointTypes.of(client, name);
    }

    /**
     * Whether the entry of ({@code endpoint}, {@code principal}'s, {@code arg}) is cached or being fetched:
     * reading it creates nothing, so it costs nothing of the client's request rate.
     */
    boolean exists(String endpoint, EndpointTypes.Types types, String principal, Object arg) {
        return QueryScopes.callAs(principal, null, () -> {
            QueryState<?> state = types.infinite() ? client.infiniteEndpoint(endpoint).state(arg)
                    : client.endpoint(endpoint).state(arg);
            return state.status() != QueryStatus.UNINITIALIZED || state.isFetching();
        });
    }

    /** Whether an entry of {@code endpoint} owned by {@code owner} (null: shared) may be shown to {@code caller}. */
    boolean visible(String endpoint, String owner, String caller) {
        return allowed.contains(endpoint) && (owner == null || owner.equals(caller));
    }

    static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
