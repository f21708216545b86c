package modkit.kernel;

/** The kernel's taint letters in bit order (kernel/panic.c, 6.1) and the strings built from them. */
public final class Taint {
    /** Bit i has letter LETTERS.charAt(i). */
    public static final String LETTERS = "PFSRMBUDAWCIOELKXTN";

    private Taint() {}

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
