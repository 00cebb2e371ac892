package dev.querycache;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of one subscription. Immutable and thread-safe.
 * <ul>
 *   <li>{@code pollingInterval}: while this subscription lives, the entry is refetched this long after
 *       each fetch settles; an entry polls at the smallest interval of its subscribers.</li>
 *   <li>{@code refetchIfOlderThan}: on subscribe, refetch when the cached data is at least this old.</li>
 * </ul>
 */
public final class SubscribeOptions {

    private static final SubscribeOptions NONE = new SubscribeOptions(null, null);

    private final Duration pollingInterval;
    private final Duration refetchIfOlderThan;

    private SubscribeOptions(Duration pollingInterval, Duration refetchIfOlderThan) {
        this.pollingInterval = pollingInterval;
        this.refetchIfOlderThan = refetchIfOlderThan;
    }

    /** No polling, no age check. */
    public static SubscribeOptions none() {
        return NONE;
    }

    /** Poll every {@code interval} (positive) after each fetch settles. */
    public static SubscribeOptions pollingInterval(Duration interval) {
        return NONE.withPollingInterval(interval);
    }

    /** Refetch on subscribe when the data is at least {@code age} old. */
    public static SubscribeOptions refetchIfOlderThan(Duration age) {
        return NONE.withRefetchIfOlderThan(age);
    }

    /** These options with a polling interval. */
    public SubscribeOptions withPollingInterval(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("pollingInterval must be positive but was " + interval);
        }
        return new SubscribeOptions(interval, refetchIfOlderThan);
    }

    /** These options with an age check on subscribe. */
    public SubscribeOptions withRefetchIfOlderThan(Duration age) {
        Objects.requireNonNull(age, "age");
        if (age.isNegative()) {
            throw new IllegalArgumentException("refetchIfOlderThan must not be negative but was " + age);
        }
        return new SubscribeOptions(pollingInterval, age);
    }

    /** The polling interval, or {@code null}. */
    Duration pollingIntervalValue() {
        return pollingInterval;
    }

    /** The age check, or {@code null}. */
    Duration refetchIfOlderThanValue() {
        return refetchIfOlderThan;
    }

    @Override
    public String toString() {
        return "SubscribeOptions{pollingInterval=" + pollingInterval + ", refetchIfOlderThan=" + refetchIfOlderThan + "}";
    }
}
