package dev.querycache;

/** One fetch attempt took longer than the endpoint's {@code fetchTimeout}. */
public class QueryTimeoutException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public QueryTimeoutException(String message) {
        super(message);
    }
}
