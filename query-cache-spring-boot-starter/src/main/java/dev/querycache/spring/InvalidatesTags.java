package dev.querycache.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.core.annotation.AliasFor;

/**
 * Invalidates query-cache tags after the annotated bean method has succeeded: right after a plain
 * (or {@code void}) method returns, when a returned {@code Mono} completes (with or without a value),
 * when a returned {@code Flux} completes, when a returned {@code CompletionStage} completes normally.
 * Nothing is invalidated when the method throws or the publisher/stage fails. Repeatable.
 *
 * <pre>{@code
 * @InvalidatesTags(type = "Pokemon", id = "#name")
 * @InvalidatesTags("Favourites")
 * public Mono<Void> favourite(String name) { ... }
 * }</pre>
 *
 * The {@code id} is a SpEL expression over the method's parameters by name ({@code #name},
 * {@code #request.id}); its value becomes the tag id. An expression that evaluates to {@code null}
 * invalidates the whole type (too much rather than too little). Needs {@code -parameters}, which Spring
 * Boot's parent POM sets.
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Repeatable(InvalidatesTags.List.class)
public @interface InvalidatesTags {

    /** Alias for {@link #type()}. */
    @AliasFor("type")
    String value() default "";

    /** The tag type to invalidate. */
    @AliasFor("value")
    String type() default "";

    /** SpEL for the tag id over the parameters; {@code ""} invalidates the whole type. */
    String id() default "";

    /** Container of repeated {@link InvalidatesTags}. */
    @Documented
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @interface List {
        InvalidatesTags[] value();
    }
}
