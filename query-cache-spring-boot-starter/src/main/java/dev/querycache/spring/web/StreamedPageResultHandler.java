package dev.querycache.spring.web;

import dev.querycache.QueryClient;
import dev.querycache.spring.state.DehydratedStateJson;
import dev.querycache.spring.state.StateFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.reactive.HandlerResult;
import org.springframework.web.reactive.HandlerResultHandler;
import org.springframework.web.reactive.result.view.View;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Writes a {@link StreamedPage} a controller returned ({@code StreamedPage} or {@code Mono<StreamedPage>}):
 * starts its pending queries in the request's Context, renders the view with the controller's model, its
 * attributes, the pending queries and {@code queryCacheState} into memory, and hands the result to a
 * {@link PageStream}. The view is resolved and rendered by the application's {@link ViewResolver}s, so
 * everything a view sees otherwise (request context, {@code @ModelAttribute}s, CSRF) it sees here. Ordered
 * before Spring's view resolution. Thread-safe.
 */
final class StreamedPageResultHandler implements HandlerResultHandler, Ordered {

    /** The model attribute holding the page state of what the request had read when the template wrote it. */
    static final String STATE_ATTRIBUTE = "queryCacheState";

    private final QueryClient client;
    private final DehydratedStateJson json;
    private final StateFormat format;
    private final Supplier<List<ViewResolver>> viewResolvers;
    private final Duration timeout;
    private final String nonceAttribute;
    private final String runtime;

    StreamedPageResultHandler(QueryClient client, DehydratedStateJson json, StateFormat format,
                              Supplier<List<ViewResolver>> viewResolvers, Duration timeout, String nonceAttribute) {
        this.client = client;
        this.json = json;
        this.format = format;
        this.viewResolvers = viewResolvers;
        this.timeout = timeout;
        this.nonceAttribute = nonceAttribute;
        this.runtime = PrefetchHandlers.resource("stream.js").strip();
    }

    @Override
    public boolean supports(HandlerResult result) {
        Class<?> type = result.getReturnType().toClass();
        if (StreamedPage.class.isAssignableFrom(type)) {
            return true;
        }
        return Mono.class.isAssignableFrom(type) && result.getReturnType().getGeneric(0).toClass() == StreamedPage.class;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Mono<Void> handleResult(ServerWebExchange exchange, HandlerResult result) {
        Object value = result.getReturnValue();
        Mono<StreamedPage> page = value instanceof StreamedPage p ? Mono.just(p)
                : value == null ? Mono.error(new IllegalStateException("a handler returned no StreamedPage"))
                : (Mono<StreamedPage>) value;
        return page.flatMap(p -> Mono.deferContextual(context -> {
            PageStream stream = new PageStream(p, client, json, format, QueryScopeWebFilter.request(exchange),
                    nonce(exchange), runtime, timeout);
            stream.start(context);
            Map<String, Object> model = new LinkedHashMap<>(result.getModel().asMap());
            model.putAll(p.attributes());
            for (PendingQuery q : stream.queries()) {
                model.put(q.name(), q);
            }
            model.put(STATE_ATTRIBUTE, stream.shellState());
            Locale locale = exchange.getLocaleContext().getLocale();
            ShellCapture capture = new ShellCapture(exchange.getResponse());
            ServerWebExchange shellExchange = exchange.mutate().response(capture).build();
            return view(p.viewName(), locale == null ? Locale.getDefault() : locale)
                    .flatMap(view -> view.render(model, MediaType.TEXT_HTML, shellExchange))
                    .then(Mono.fromSupplier(capture::text))
                    .flatMap(shell -> stream.write(exchange.getResponse(), shell))
                    .doOnCancel(stream::stop)
                    .doOnError(e -> stream.stop());
        }));
    }

    private Mono<View> view(String name, Locale locale) {
        return Flux.fromIterable(viewResolvers.get())
                .concatMap(r -> r.resolveViewName(name, locale))
                .next()
                .switchIfEmpty(Mono.error(() -> new IllegalStateException(
                        "StreamedPage: no view named '" + name + "' (is spring-boot-starter-thymeleaf on the classpath?)")));
    }

    /** The page's CSP nonce: the exchange attribute named by {@code query-cache.web.csp-nonce-attribute}, if set. */
    private String nonce(ServerWebExchange exchange) {
        Object nonce = nonceAttribute == null || nonceAttribute.isEmpty() ? null : exchange.getAttribute(nonceAttribute);
        return nonce == null ? null : nonce.toString();
    }

    @Override
    public int getOrder() {
        return 0;   // before ViewResolutionResultHandler (lowest precedence), which would take any return type
    }

    /** The response the view writes the shell to: what it writes is kept in memory; headers go to the real one. */
    private static final class ShellCapture extends ServerHttpResponseDecorator {

        private final AtomicReference<String> text = new AtomicReference<>("");

        ShellCapture(ServerHttpResponse delegate) {
            super(delegate);
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            return DataBufferUtils.join(body).doOnNext(buffer -> {
                text.set(text.get() + buffer.toString(StandardCharsets.UTF_8));
                DataBufferUtils.release(buffer);
            }).then();
        }

        @Override
        public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
            return Flux.from(body).concatMap(this::writeWith).then();
        }

        @Override
        public Mono<Void> setComplete() {
            return Mono.empty();
        }

        String text() {
            return text.get();
        }
    }
}
