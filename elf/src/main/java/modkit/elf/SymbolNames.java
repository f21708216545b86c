package modkit.elf;

import java.nio.charset.StandardCharsets;

/**
 * One String per distinct symbol name, made straight from a module's bytes. A tree's modules name the same kernel
 * symbols over and over ({@code __fentry__}, {@code _printk}, {@code module_layout} in nearly every one): of Debian's
 * 200,000-odd references about 20,000 names are distinct. A name already seen is found by hashing and comparing its
 * bytes, so no String is made for it, which was most of what a tree scan allocated.
 *
 * <p>Shared by the scanning threads (a lock per stripe). It forgets everything once it holds {@link #LIMIT} names,
 * so a long-lived process that reads many trees keeps a bounded table; a forgotten name is simply made again.
 */
final class SymbolNames {
    static final SymbolNames SHARED = new SymbolNames();

    private static final int STRIPES = 64;
    private static final int LIMIT = 1 << 18;

    private final Stripe[] stripes = new Stripe[STRIPES];

    SymbolNames() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** The name in {@code data[from, from + length)} (Latin-1, one char per byte). */
    String intern(byte[] data, int from, int length) {
        int h = 0;
        for (int i = from; i < from + length; i++) {
            h = 31 * h + (data[i] & 0xff); // String.hashCode of the Latin-1 name
        }
        Stripe s = stripes[(h ^ (h >>> 16)) & (STRIPES - 1)];
        synchronized (s) {
            return s.intern(data, from, length, h);
        }
    }

    /** An open-addressed table of Strings with their hashes. */
    private static final class Stripe {
        private String[] names = new String[64];
        private int[] hashes = new int[64];
        private int size;

        String intern(byte[] data, int from, int length, int h) {
            int mask = names.length - 1;
            for (int slot = h & mask; ; slot = (slot + 1) & mask) {
                String n = names[slot];
                if (n == null) {
                    String made = new String(data, from, length, StandardCharsets.ISO_8859_1);
                    if (size * STRIPES >= LIMIT) {
                        clear();
                        return made;
                    }
                    names[slot] = made;
                    hashes[slot] = h;
                    if (++size * 2 > names.length) {
                        grow();
                    }
                    return made;
                }
                if (hashes[slot] == h && sameBytes(n, data, from, length)) {
                    return n;
                }
            }
        }

        private static boolean sameBytes(String n, byte[] data, int from, int length) {
            if (n.length() != length) {
                return false;
            }
            for (int k = 0; k < length; k++) {
                if (n.charAt(k) != (data[from + k] & 0xff)) {
                    return false;
                }
            }
            return true;
        }

        private void grow() {
            String[] oldNames = names;
            int[] oldHashes = hashes;
            names = new String[oldNames.length * 2];
            hashes = new int[oldNames.length * 2];
            int mask = names.length - 1;
            for (int i = 0; i < oldNames.length; i++) {
                if (oldNames[i] != null) {
                    int slot = oldHashes[i] & mask;
                    while (names[slot] != null) {
                        slot = (slot + 1) & mask;
                    }
                    names[slot] = oldNames[i];
                    hashes[slot] = oldHashes[i];
                }
            }
        }

        private void clear() {
            names = new String[64];
            hashes = new int[64];
            size = 0;
        }
    }
}
