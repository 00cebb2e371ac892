package com.example.team;

import dev.querycache.QueryEndpoint;
import dev.querycache.QueryFetcher;
import dev.querycache.QueryScope;
import dev.querycache.QueryScopes;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

interface TeamUpstream {
    Mono<List<String>> teamOf(String trainer, String season);
}

@Component
@QueryEndpoint(scope = QueryScope.PRINCIPAL, tags = "Team")
class MyTeam implements QueryFetcher<String, List<String>> {
    private final TeamUpstream upstream;
    MyTeam(TeamUpstream upstream) { this.upstream = upstream; }

    public Mono<List<String>> fetch(String season) {
        return Mono.deferContextual(ctx -> upstream.teamOf(QueryScopes.principal(ctx), season));
    }
}
