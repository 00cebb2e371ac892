package dev.querycache;

/** A fetch was aborted ({@code abort}, {@code resetApiState}, {@code close}) before it settled. */
public class QueryAbortedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public QueryAbortedException(String message) {
        super(message);
    }
}
