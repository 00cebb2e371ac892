package dev.querycache;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the duration strings of the annotations. Stateless. */
final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ns|us|ms|s|m|h|d)?");

    private Durations() {
    }

    /**
     * Parses {@code "60s"}, {@code "500ms"}, {@code "2m"}, {@code "PT2M"}, {@code "0"}, {@code "never"};
     * a bare number is seconds. {@code ""} gives {@code null} (unset).
     *
     * @throws IllegalArgumentException naming the text when it does not parse
     */
    static Duration parse(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            return null;
        }
        if (t.equalsIgnoreCase("never")) {
            return EndpointOptions.NEVER;
        }
        Matcher m = SIMPLE.matcher(t.toLowerCase(java.util.Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ns" -> Duration.ofNanos(n);
                case "us" -> Duration.ofNanos(n * 1000);
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. \"60s\", \"500ms\", \"PT2M\", \"0\" or \"never\")");
        }
    }

    /** Whether {@code d} means "never" (a century or more). */
    static boolean isNever(Duration d) {
        return d.compareTo(Duration.ofDays(36_500)) >= 0;
    }

    /** {@code d} in nanoseconds, {@code Long.MAX_VALUE} for never. */
    static long toNanosSaturated(Duration d) {
        return isNever(d) ? Long.MAX_VALUE : d.toNanos();
    }

    /** {@code d} in milliseconds, {@code Long.MAX_VALUE} for never. */
    static long toMillisSaturated(Duration d) {
        return isNever(d) ? Long.MAX_VALUE : d.toMillis();
    }
}
