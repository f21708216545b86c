package modkit.depmod;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Collects the whole heap when it has grown by {@link #GROWTH} since the last collection, as the scan goes.
 *
 * <p>Each module read leaves its buffers (a compressed module's bytes and its decompressed image) as garbage, but
 * a young collection that finds them still in use promotes them, and with the serial collector the old generation
 * then grows instead of being collected: on Debian's 6.12 tree of 4,230 .ko.xz files it reached 64 MB, of which
 * 9 MB were live, and every page of it counts in depmod's peak memory. With a full collection whenever the heap
 * has grown by 48 MB (two or three, of 10-20 ms each, in a run of seconds) depmod's peak there was 127 MB instead
 * of 152 MB (medians of 7 paired runs); the 6.1 tree of plain modules does not grow that much and is not
 * collected. (A maximum heap size would bound it too, but would fail on a tree larger than the one it was chosen
 * for. The figure counts the young generation's use as well, up to bin/modkit's 12 MB.)
 */
final class HeapBound {
    private static final long GROWTH = 48L << 20;

    private final AtomicLong limit = new AtomicLong(used() + GROWTH);

    /** Collects if the heap has grown past the bound; one thread collects, the others go on. */
    void check() {
        long l = limit.get();
        long before = used();
        if (before > l && limit.compareAndSet(l, Long.MAX_VALUE)) {
            System.gc();
            long after = used();
            // Little freed: a large module is being read on another thread (amdgpu's image is 28 MB), and its
            // buffers will be garbage soon; look again after half the growth, not a whole one. (Peaks of 126-155
            // MB on the 6.12 tree became 125-135 MB in 9 runs.)
            limit.set(after + (before - after < GROWTH / 2 ? GROWTH / 2 : GROWTH));
        }
    }

    private static long used() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
