package modkit.lsmod;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order in which sysfs lists a directory: kernfs keeps a directory's entries in a tree ordered by
 * {@code kernfs_name_hash(name)}, then by name, and readdir walks that tree. kmod's lsmod prints a module's holders
 * as it reads /sys/module/NAME/holders, so in this order, not in /proc/modules' (newest first).
 */
final class SysfsOrder {
    private static final long GOLDEN_RATIO_64 = 0x61C8864680B583EBL;
    private static final int GOLDEN_RATIO_32 = 0x61C88647;

    private SysfsOrder() {}

    /** {@code names} as sysfs would list them on a kernel with 64-bit or 32-bit {@code unsigned long}. */
    static List<String> sort(List<String> names, boolean is64) {
        List<String> out = new ArrayList<>(names);
        out.sort(Comparator.<String>comparingLong(n -> hash(n, is64)).thenComparing(Comparator.naturalOrder()));
        return out;
    }

    /**
     * kernfs_name_hash with no namespace: partial_name_hash over the bytes ((h + (c << 4) + (c >> 4)) * 11, in an
     * unsigned long), end_name_hash (hash_long to 32 bits: the golden-ratio multiply), then 31 bits, with 0, 1 and
     * INT_MAX kept for the kernel's own use.
     */
    static long hash(String name, boolean is64) {
        long h = 0;
        for (byte b : name.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            long c = b & 0xff;
            h = (h + (c << 4) + (c >> 4)) * 11;
            if (!is64) {
                h &= 0xffffffffL;
            }
        }
        long end = is64 ? (h * GOLDEN_RATIO_64) >>> 32 : ((int) h * GOLDEN_RATIO_32) & 0xffffffffL;
        end &= 0x7fffffff;
        if (end < 2) {
            end += 2;
        }
        return end >= Integer.MAX_VALUE ? Integer.MAX_VALUE - 1 : end;
    }

    /** Whether the architecture's {@code unsigned long} is 64 bits. */
    static boolean is64(String arch) {
        return arch.endsWith("64") || arch.equals("s390x") || arch.equals("ppc64le");
    }
}
