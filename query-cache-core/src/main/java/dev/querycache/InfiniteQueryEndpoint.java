package dev.querycache;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an {@link InfiniteQueryFetcher} as an infinite query endpoint. The attributes shared with
 * {@link QueryEndpoint} mean the same; see there for the duration syntax.
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface InfiniteQueryEndpoint {

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

    /**
     * Most pages kept per entry; fetching beyond drops pages from the other end. 0 = unlimited (the
     * default); negative is invalid. Write one value, {@code maxPages = 3}; not written ({@code {}}) falls
     * back to the client defaults.
     */
    int[] maxPages() default {};

    /**
     * Whether a refetch fetches every cached page again ({@code true}, the default) or only the first. Write
     * one value; not written ({@code {}}) falls back to the client defaults.
     */
    boolean[] refetchCachedPages() default {};
}
