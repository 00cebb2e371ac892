package dev.querycache.sample.pokedex;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/** The HTTP client of the upstream: {@code sample.upstream.base-url}, by default this very server. */
@Component
public class UpstreamClient {

    private final Environment env;
    private volatile WebClient web;

    UpstreamClient(Environment env) {
        this.env = env;
    }

    public WebClient web() {
        WebClient w = web;
        if (w == null) {
            String base = env.getProperty("sample.upstream.base-url",
                    "http://localhost:" + env.getProperty("local.server.port", env.getProperty("server.port", "8080")));
            w = WebClient.create(base);
            web = w;
        }
        return w;
    }
}
