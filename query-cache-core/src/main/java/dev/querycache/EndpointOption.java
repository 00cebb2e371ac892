package dev.querycache;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Every endpoint option, written once: its name (the {@link EndpointOptions.Builder} method, the annotation
 * attribute and, in kebab case, the Spring property), its type, the values it accepts and its built-in
 * default. {@link EndpointOptions}, the annotation reader and validation all iterate over this list, so
 * adding an option means adding a constant here, a builder method and (optionally) an annotation attribute.
 */
enum EndpointOption {
    KEEP_UNUSED_DATA_FOR("keepUnusedDataFor", Duration.class, Duration.ofSeconds(60), EndpointOption::notNegative, "must not be negative"),
    STALE_TIME("staleTime", Duration.class, EndpointOptions.NEVER, EndpointOption::notNegative, "must not be negative"),
    STALE_WHILE_REVALIDATE("staleWhileRevalidate", Boolean.class, false, v -> true, ""),
    MAX_PAGES("maxPages", Integer.class, 0, v -> (Integer) v >= 0, "must be 0 (unlimited) or positive"),
    REFETCH_CACHED_PAGES("refetchCachedPages", Boolean.class, true, v -> true, ""),
    RETRIES("retries", Integer.class, 0, v -> (Integer) v >= 0, "must not be negative"),
    RETRY_BACKOFF("retryBackoff", Duration.class, Duration.ofMillis(100), EndpointOption::notNegative, "must not be negative"),
    FETCH_TIMEOUT("fetchTimeout", Duration.class, Duration.ofSeconds(30),
            v -> !((Duration) v).isNegative() && !((Duration) v).isZero(), "must be positive"),
    SCOPE("scope", QueryScope.class, QueryScope.SHARED, v -> true, ""),
    MAXIMUM_SIZE("maximumSize", Long.class, 10_000L, v -> (Long) v >= 0, "must not be negative");

    private static final EndpointOption[] ALL = values();

    private final String optionName;
    private final Class<?> type;
    private final Object builtIn;
    private final Predicate<Object> valid;
    private final String rule;

    EndpointOption(String optionName, Class<?> type, Object builtIn, Predicate<Object> valid, String rule) {
        this.optionName = optionName;
        this.type = type;
        this.builtIn = builtIn;
        this.valid = valid;
        this.rule = rule;
    }

    static EndpointOption[] all() {
        return ALL;
    }

    /** The option's name, as the builder method and the annotation attribute spell it. */
    String optionName() {
        return optionName;
    }

    Class<?> type() {
        return type;
    }

    Object builtIn() {
        return builtIn;
    }

    /**
     * Checks a value given for this option.
     *
     * @throws InvalidEndpointOptionException naming the endpoint, the option, the value and where it was written
     */
    void check(String endpoint, Object value, InvalidEndpointOptionException.Source source) {
        if (!valid.test(value)) {
            throw new InvalidEndpointOptionException(endpoint, optionName, source, value + " (" + rule + ")");
        }
    }

    private static boolean notNegative(Object v) {
        return !((Duration) v).isNegative();
    }
}
