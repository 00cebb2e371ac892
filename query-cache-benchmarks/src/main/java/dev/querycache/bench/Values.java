package dev.querycache.bench;

/** Keys and values shared by every peer, made once so that no benchmark op boxes or builds strings. */
public final class Values {

    private static final int CACHED = 1 << 20;
    private static final Integer[] KEYS = new Integer[CACHED];
    private static final String[] VALUES = new String[CACHED];

    static {
        for (int i = 0; i < CACHED; i++) {
            KEYS[i] = i;
            VALUES[i] = "value-" + i;
        }
    }

    private Values() {
    }

    public static Integer key(int i) {
        return i < CACHED ? KEYS[i] : Integer.valueOf(i);
    }

    public static String of(Integer k) {
        int i = k;
        return i < CACHED ? VALUES[i] : "value-" + i;
    }
}
