package dev.querycache.spring.aot;

import dev.querycache.InfiniteQueryEndpoint;
import dev.querycache.QueryEndpoint;
import dev.querycache.spring.InvalidatesTags;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What the starter reads reflectively whatever the application: its classpath resources (the scripts and
 * the devtools page it serves) and the annotations it reads from endpoint beans and methods. The types of
 * the application's own endpoints are registered by {@link QueryEndpointTypesAotProcessor}. Registered
 * through {@code META-INF/spring/aot.factories}. Stateless.
 */
final class QueryCacheRuntimeHints implements RuntimeHintsRegistrar {

    /** The resources the web layer serves, read from the classpath at startup. */
    static final String[] RESOURCES = {
        "dev/querycache/spring/web/tanstack.js",
        "dev/querycache/spring/web/preload.js",
        "dev/querycache/spring/web/rtk.js",
        "dev/querycache/spring/web/stream.js",
        "dev/querycache/spring/web/devtools.html",
    };

    @Override
    public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
        for (String resource : RESOURCES) {
            hints.resources().registerPattern(resource);
        }
        for (Class<?> annotation : new Class<?>[] {QueryEndpoint.class, InfiniteQueryEndpoint.class, InvalidatesTags.class,
                InvalidatesTags.List.class}) {
            hints.reflection().registerType(annotation, MemberCategory.INVOKE_PUBLIC_METHODS);
        }
    }
}
