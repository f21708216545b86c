package modkit.depmod;

import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * Stable sorting by an int key, without boxing or a comparator: each index is packed under its key in one long,
 * and the longs are sorted. depmod sorts tens of thousands of modules and dependency lists this way.
 */
final class StableOrder {
    private StableOrder() {}

    /** The indexes {@code 0..n-1} ordered by {@code key}, equal keys keeping index order. */
    static int[] byKey(int n, IntUnaryOperator key) {
        long[] keyed = new long[n];
        for (int i = 0; i < n; i++) {
            keyed[i] = (long) key.applyAsInt(i) << 32 | i;
        }
        Arrays.sort(keyed);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) keyed[i];
        }
        return order;
    }
}
