package modkit.kernel;

/**
 * The kernel's taint flags: their bits (include/linux/panic.h, 6.1), their letters in bit order (kernel/panic.c
 * taint_flags) and the strings built from them. The one table of them: modkit's insmod, the backends and the
 * commands all read it here.
 */
public final class Taint {
    /** Bit i has letter LETTERS.charAt(i). */
    public static final String LETTERS = "PFSRMBUDAWCIOELKXTN";

    // The bits modkit sets, by the kernel's TAINT_ names.
    public static final int PROPRIETARY_MODULE = 0; // P
    public static final int FORCED_MODULE = 1; // F
    public static final int FORCED_RMMOD = 3; // R
    public static final int CRAP = 10; // C: staging driver
    public static final int OOT_MODULE = 12; // O
    public static final int UNSIGNED_MODULE = 13; // E
    public static final int LIVEPATCH = 15; // K
    public static final int TEST = 18; // N: a test module (modinfo test=Y)

    private Taint() {}

    /** The letter of taint bit {@code bit}. */
    public static char letter(int bit) {
        return LETTERS.charAt(bit);
    }

    /** The letters of the bits set in {@code mask} (/proc/sys/kernel/tainted), in bit order. */
    public static String letters(long mask) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < LETTERS.length(); i++) {
            if ((mask & (1L << i)) != 0) {
                b.append(LETTERS.charAt(i));
            }
        }
        return b.toString();
    }

    /** The union of two letter sets, in bit order. */
    public static String merge(String a, String b) {
        StringBuilder out = new StringBuilder();
        for (char c : LETTERS.toCharArray()) {
            if (a.indexOf(c) >= 0 || b.indexOf(c) >= 0) {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** /proc/sys/kernel/tainted: the bit mask. */
    public static long mask(String letters) {
        long m = 0;
        for (int i = 0; i < LETTERS.length(); i++) {
            if (letters.indexOf(LETTERS.charAt(i)) >= 0) {
                m |= 1L << i;
            }
        }
        return m;
    }

    /**
     * {@code print_tainted}: "Not tainted", or "Tainted: " and one column per flag, the letter where set and a
     * blank where not; P's column shows G when clear.
     */
    public static String describe(String letters) {
        if (letters.isEmpty()) {
            return "Not tainted";
        }
        StringBuilder out = new StringBuilder("Tainted: ");
        for (int i = 0; i < LETTERS.length(); i++) {
            char c = LETTERS.charAt(i);
            out.append(letters.indexOf(c) >= 0 ? c : i == 0 ? 'G' : ' ');
        }
        return out.toString();
    }

    /** {@code module_flags}: "(" letters, then '+' while COMING or '-' while GOING, ")"; empty if nothing. */
    public static String moduleFlags(String letters, ModuleState state) {
        String s = letters + (state == ModuleState.COMING ? "+" : state == ModuleState.GOING ? "-" : "");
        return s.isEmpty() ? "" : "(" + s + ")";
    }
}
