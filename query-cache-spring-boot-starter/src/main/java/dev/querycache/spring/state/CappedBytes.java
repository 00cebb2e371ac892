package dev.querycache.spring.state;

import java.io.ByteArrayOutputStream;

/** Bytes in memory up to a cap: a write past it throws {@link Over} and keeps nothing more. Not thread-safe. */
final class CappedBytes extends ByteArrayOutputStream {

    /** Thrown by a write past the cap. */
    static final class Over extends RuntimeException {
        Over() {
            super("over the cap", null, false, false);
        }
    }

    private final long cap;
    private boolean over;

    CappedBytes(long cap) {
        super(256);
        this.cap = cap;
    }

    @Override
    public synchronized void write(int b) {
        check(1);
        super.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        check(len);
        super.write(b, off, len);
    }

    private void check(int len) {
        if (over || count + (long) len > cap) {
            over = true;
            throw new Over();
        }
    }

    /** Whether a write went past the cap. */
    boolean over() {
        return over;
    }
}
