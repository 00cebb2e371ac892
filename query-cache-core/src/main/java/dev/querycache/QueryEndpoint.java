package dev.querycache;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link QueryFetcher} as a query endpoint and gives its options. Durations are strings:
 * {@code "60s"}, {@code "500ms"}, {@code "2m"}, {@code "1h"}, {@code "1d"}, ISO-8601 ({@code "PT2M"}),
 * {@code "0"}, or {@code "never"}; {@code ""} means "the client default". A string that does not parse
 * makes {@link QueryClient.Builder#build()} throw an {@link IllegalArgumentException} naming the
 * endpoint and the attribute. Options given to the builder explicitly take precedence over these.
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface QueryEndpoint {

    /** Endpoint name; {@code ""} = the class's simple name with its first letter lower-cased. */
    String name() default "";

    /** How long an entry without subscribers is kept (default 60s). */
    String keepUnusedDataFor() default "";

    /** How long fetched data counts as fresh (default never stale). */
    String staleTime() default "";

    /**
     * Whether {@code query} answers stale data at once and refetches in the background (default false).
     * Write one value, {@code staleWhileRevalidate = true}; not written ({@code {}}) falls back to the
     * client defaults, while a written {@code false} wins over them.
     */
    boolean[] staleWhileRevalidate() default {};

    /** Tag types that every entry of the endpoint provides. */
    String[] tags() default {};

    /**
     * Who shares the entries (default {@link QueryScope#SHARED}). Write one value,
     * {@code scope = QueryScope.PRINCIPAL}; not written ({@code {}}) falls back to the client defaults, while
     * a written {@code SHARED} wins over them.
     */
    QueryScope[] scope() default {};
}
