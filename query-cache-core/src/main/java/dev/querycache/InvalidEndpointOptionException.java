package dev.querycache;

/**
 * An endpoint option with a value it does not accept, thrown by {@link QueryClient.Builder#build()}. It
 * names the endpoint, the option and where the value was written, so that an integration (the Spring Boot
 * starter) can point at the exact annotation attribute or property instead of parsing the message.
 */
public final class InvalidEndpointOptionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Where an invalid value was written. */
    public enum Source {
        /** The options passed with the endpoint ({@code endpoint(name, fetcher, options)}). */
        OPTIONS,
        /** The fetcher's {@link QueryEndpoint} or {@link InfiniteQueryEndpoint} annotation. */
        ANNOTATION,
        /** The client defaults ({@link QueryClient.Builder#defaults(EndpointOptions)}); no endpoint. */
        DEFAULTS
    }

    private final String endpoint;
    private final String option;
    private final Source source;

    InvalidEndpointOptionException(String endpoint, String option, Source source, String problem) {
        super((endpoint == null ? "client defaults" : "endpoint '" + endpoint + "'") + ": "
                + (source == Source.ANNOTATION ? "annotation attribute " : "") + option + " = " + problem);
        this.endpoint = endpoint;
        this.option = option;
        this.source = source;
    }

    InvalidEndpointOptionException(String endpoint, String option, Source source, String problem, Throwable cause) {
        this(endpoint, option, source, problem);
        initCause(cause);
    }

    /** The endpoint whose option is invalid; {@code null} for the client defaults. */
    public String endpoint() {
        return endpoint;
    }

    /** The option's name as {@link EndpointOptions.Builder} spells it, such as {@code "staleTime"}. */
    public String option() {
        return option;
    }

    /** Where the invalid value was written. */
    public Source source() {
        return source;
    }
}
