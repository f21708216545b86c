package modkit.kernel;

/**
 * The kernel's standard parameter types ({@code param_ops_*}): the size of each variable and how sysfs prints
 * it ({@code param_get_*}). The layouts of {@code struct kparam_string} and {@code struct kparam_array} that
 * string and array parameters point at live here too, since setting and showing both need them.
 *
 * <p>A parameter whose ops are the module's own ({@code module_param_cb} with a {@code kernel_param_ops} of its
 * get and set, like loop's {@code max_loop}) is "custom": only the module's code knows how to print it, so the
 * views say "custom" and, when the variable's size is known from its symbol, the value it holds. Memory that does
 * not hold what the table says (a damaged module) is shown as far as it can be, never a crash.
 */
public final class ParamTypes {
    private ParamTypes() {}

    /** What sysfs prints at most for one parameter: one page ({@code PAGE_SIZE} buffer of the show functions). */
    public static final int SHOW_LIMIT = 4095;

    /** The type of a parameter whose ops are the module's own. */
    public static final String CUSTOM = "custom";

    /** Size in bytes of a scalar of {@code type}; -1 for string/array/custom, which are not plain scalars. */
    public static int size(String type, int pointerSize) {
        return switch (type) {
            case "byte", "bool", "invbool", "bool_enable_only" -> 1;
            case "short", "ushort" -> 2;
            case "int", "uint", "hexint", "bint" -> 4;
            case "long", "ulong" -> pointerSize;
            case "ullong" -> 8;
            case "charp" -> pointerSize;
            default -> -1;
        };
    }

    public static boolean isSigned(String type) {
        return type.equals("short") || type.equals("int") || type.equals("long") || type.equals("bint");
    }

    /** {@code struct kparam_array}: {unsigned max; unsigned elemsize; unsigned *num; ops *; void *elem}. */
    public record ArrayLayout(long max, long elemSize, long numAddress, long elemAddress) {
        public static ArrayLayout read(ImageMemory m, long at) {
            int p = m.pointerSize();
            long num = m.readPointer(at + 8);
            long elem = m.readPointer(at + 8 + 2L * p);
            return new ArrayLayout(m.read(at, 4), m.read(at + 4, 4), num, elem);
        }
    }

    /** {@code struct kparam_string}: {unsigned maxlen; char *string}. */
    public record StringLayout(long maxlen, long buffer) {
        public static StringLayout read(ImageMemory m, long at) {
            return new StringLayout(m.read(at, 4), m.readPointer(at + m.pointerSize()));
        }
    }

    /** What reading /sys/module/M/parameters/NAME would print for {@code p}. */
    public static String show(ImageMemory m, ModuleParam p) {
        return limit(show(m, p.type(), p.address(), p.size()));
    }

    /** What reading /sys/module/M/parameters/NAME would print for a {@code type} variable at {@code arg}. */
    public static String show(ImageMemory m, String type, long arg) {
        return limit(show(m, type, arg, 0));
    }

    /** {@code size}: the variable's size when the type does not say it (custom parameters), else 0. */
    private static String show(ImageMemory m, String type, long arg, int size) {
        if (type.startsWith("array of ")) {
            return showArray(m, type.substring("array of ".length()), arg);
        }
        if (type.equals("string")) {
            StringLayout s = StringLayout.read(m, arg);
            String v = m.cString(s.buffer(), SHOW_LIMIT);
            return v == null ? "" : v;
        }
        if (type.equals("charp")) {
            long p = m.readPointer(arg);
            String v = p == 0 ? null : m.cString(p, SHOW_LIMIT);
            return v == null ? "(null)" : v;
        }
        int width = size(type, m.pointerSize());
        if (width < 0) {
            return showCustom(m, arg, size);
        }
        long raw = m.read(arg, width);
        return switch (type) {
            case "bool", "bool_enable_only" -> raw != 0 ? "Y" : "N";
            case "invbool" -> raw != 0 ? "N" : "Y";
            case "hexint" -> raw == 0 ? "00000000" : String.format("%#08x", raw); // C's # adds no 0x to a zero
            case "ullong", "ulong" -> width == 8 ? Long.toUnsignedString(raw) : Long.toString(raw);
            default -> isSigned(type) ? Long.toString(signExtend(raw, width)) : Long.toString(raw);
        };
    }

    /**
     * {@code param_array_get}: the elements up to {@code *num} (or {@code max} without a count), comma-separated.
     * A count above {@code max} is the damaged module's, not the kernel's: no more than {@code max} are shown,
     * and no more than a page, as sysfs would.
     */
    private static String showArray(ImageMemory m, String elem, long arg) {
        ArrayLayout a = ArrayLayout.read(m, arg);
        long n = a.numAddress() != 0 ? Math.min(m.read(a.numAddress(), 4), a.max()) : a.max();
        StringBuilder out = new StringBuilder();
        for (long i = 0; i < n && out.length() <= SHOW_LIMIT; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(show(m, elem, a.elemAddress() + i * a.elemSize(), 0));
        }
        return out.toString();
    }

    /** A parameter with the module's own ops: "custom", and the value its variable holds when its size is known. */
    private static String showCustom(ImageMemory m, long arg, int size) {
        if ((size == 1 || size == 2 || size == 4 || size == 8) && m.contains(arg, size)) {
            return CUSTOM + " (variable holds " + signExtend(m.read(arg, size), size) + ")";
        }
        return CUSTOM;
    }

    private static String limit(String s) {
        return s.length() <= SHOW_LIMIT ? s : s.substring(0, SHOW_LIMIT);
    }

    static long signExtend(long v, int size) {
        int shift = 64 - 8 * size;
        return size == 8 ? v : (v << shift) >> shift;
    }
}
