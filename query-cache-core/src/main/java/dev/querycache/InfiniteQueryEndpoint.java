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

    /** Whether {@code query} answers stale data at once and refetches in the background. */
    boolean staleWhileRevalidate() default false;

    /** Tag types that every entry of the endpoint provides. */
    String[] tags() default {};

    /** Who shares the entries. */
    QueryScope scope() default QueryScope.SHARED;

    /** Most pages kept per entry; fetching beyond drops pages from the other end. 0 = unlimited. */
    int maxPages() default 0;

    /** Whether a refetch fetches every cached page again ({@code true}) or only the first. */
    boolean refetchCachedPages() default true;
}
