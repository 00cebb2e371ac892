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

    /** As {@link QueryEndpoint#name()}. */
    String name() default "";

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

    /** As {@link QueryEndpoint#scope()}: one value, or none for the client defaults. */
    QueryScope[] scope() default {};

    /** As {@link QueryEndpoint#tags()}. */
    String[] tags() default {};

    /** As {@link QueryEndpoint#keepUnusedDataFor()}. */
    String keepUnusedDataFor() default "";

    /** As {@link QueryEndpoint#staleWhileRevalidate()}: one value, or none for the client defaults. */
    boolean[] staleWhileRevalidate() default {};

    /** As {@link QueryEndpoint#staleTime()}. */
    String staleTime() default "";
}
