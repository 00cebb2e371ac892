package dev.querycache;

import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Makes a fetch error cheap to keep in an entry. An errored entry holds its error until the next fetch,
 * and the errors of HTTP clients are heavy: a WebClient failure carries some 40 stack frames on each of its
 * causes. What callers of {@code QueryState.error()} need is the error's type, message, cause chain and the
 * top of each stack (where it was thrown); the rest is dropped once the fetch's own waiters got the error
 * whole. The exception object itself is kept (its type, and fields such as an HTTP status or response
 * body, stay readable). Stateless.
 */
final class StoredErrors {

    /** Frames kept per throwable in the chain: enough to see where it was thrown and by whom. */
    static final int FRAMES_KEPT = 12;
    private static final int MAX_CHAIN = 16;

    private StoredErrors() {
    }

    /** Trims the stack of {@code error}, of its causes and of its suppressed throwables, in place. */
    static void trim(Throwable error) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        trim(error, seen);
    }

    private static void trim(Throwable t, Set<Throwable> seen) {
        for (int depth = 0; t != null && depth < MAX_CHAIN && seen.add(t); depth++) {
            StackTraceElement[] frames = t.getStackTrace();   // a copy: the JDK hands out a clone
            if (frames.length > FRAMES_KEPT) {
                t.setStackTrace(Arrays.copyOf(frames, FRAMES_KEPT));
            }
            for (Throwable s : t.getSuppressed()) {
                trim(s, seen);
            }
            t = t.getCause();
        }
    }
}
