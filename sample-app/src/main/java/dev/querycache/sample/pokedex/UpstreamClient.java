package dev.querycache.sample.pokedex;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The HTTP client of the upstream: {@code sample.upstream.base-url}, by default this very server. Built from
 * Spring Boot's {@code WebClient.Builder}, so each upstream call is observed (with the {@code tracing} profile,
 * its span sits under the cache's {@code query.cache.fetch} span).
 */
@Component
public class UpstreamClient {

    private final Environment env;
    private final ObjectProvider<WebClient.Builder> builders;
    private volatile WebClient web;

    UpstreamClient(Environment env, ObjectProvider<WebClient.Builder> builders) {
        this.env = env;
        this.builders = builders;
    }

    public WebClient web() {
        WebClient w = web;
        if (w == null) {
            String base = env.getProperty("sample.upstream.base-url",
                    "http://localhost:" + env.getProperty("local.server.port", env.getProperty("server.port", "8080")));
            w = builders.getIfAvailable(WebClient::builder).baseUrl(base).build();
            web = w;
        }
        return w;
    }
}
