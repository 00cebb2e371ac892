package dev.querycache;

/** No endpoint of the requested name or type is registered; the message lists the known names. */
public class UnknownEndpointException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public UnknownEndpointException(String message) {
        super(message);
    }
}
