package dev.querycache.spring.web;

import dev.querycache.QueryClient;
import dev.querycache.QueryScope;
import dev.querycache.QueryScopes;
import dev.querycache.spring.internal.EndpointTypes;
import dev.querycache.spring.web.JsonInput.BadInput;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpStatus;
import reactor.util.context.ContextView;

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
     * The endpoint {@code name} as this request may reach it, with the caller of the request's Context
     * {@code ctx}: resolved once per request.
     *
     * @throws BadInput 404 for a name that is not listed, unknown or {@code REQUEST}; 401 for a
     *     {@code PRINCIPAL} endpoint without a caller
     */
    ExposedEndpoint resolve(String name, ContextView ctx) {
        QueryScope scope = allowed.contains(name) && client.inspector().endpointNames().contains(name)
                ? client.inspector().scope(name) : null;
        if (scope == null || scope == QueryScope.REQUEST) {
            throw new BadInput(HttpStatus.NOT_FOUND, "no prefetchable endpoint named '" + shorten(name) + "'");
        }
        String caller = QueryScopes.principal(ctx);
        if (scope == QueryScope.PRINCIPAL && caller == null) {
            throw new BadInput(HttpStatus.UNAUTHORIZED, "endpoint '" + shorten(name) + "' is per user: sign in first");
        }
        EndpointTypes.Types types = EndpointTypes.of(client, name);
        return types.infinite() ? new ExposedEndpoint(name, types, caller, null, client.infiniteEndpoint(name))
                : new ExposedEndpoint(name, types, caller, client.endpoint(name), null);
    }

    /** Whether an entry of {@code endpoint} owned by {@code owner} (null: shared) may be shown to {@code caller}. */
    boolean visible(String endpoint, String owner, String caller) {
        return allowed.contains(endpoint) && (owner == null || owner.equals(caller));
    }

    static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
