package modkit.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's standard parameter types ({@code param_ops_*}): the size of each variable and how sysfs prints
 * it ({@code param_get_*}). The layouts of {@code struct kparam_string} and {@code struct kparam_array} that
 * string and array parameters point at live here too, since setting and showing both need them.
 */
public final class ParamTypes {
    private ParamTypes() {}

    /** Size in bytes of a scalar of {@code type}; -1 for charp/string/array, which are not plain scalars. */
    public static int size(String type, int pointerSize) {
        return switch (type) {
            case "byte", "bool", "invbool" -> 1;
            case "short", "ushort" -> 2;
            case "int", "uint", "hexint" -> 4;
            case "long", "ulong" -> pointerSize;
            case "ullong" -> 8;
            case "charp" -> pointerSize;
            default -> -1;
        };
    }

    public static boolean isSigned(String type) {
        return type.equals("short") || type.equals("int") || type.equals("long");
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

    /** What reading /sys/module/M/parameters/NAME would print for the variable at {@code arg}. */
    public static String show(ImageMemory m, String type, long arg) {
        if (type.startsWith("array of ")) {
            String elem = type.substring("array of ".length());
            ArrayLayout a = ArrayLayout.read(m, arg);
            long n = a.numAddress() != 0 ? m.read(a.numAddress(), 4) : a.max();
            List<String> parts = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                parts.add(show(m, elem, a.elemAddress() + i * a.elemSize()));
            }
            return String.join(",", parts);
        }
        if (type.equals("string")) {
            StringLayout s = StringLayout.read(m, arg);
            String v = m.cString(s.buffer());
            return v == null ? "" : v;
        }
        if (type.equals("charp")) {
            long p = m.readPointer(arg);
            String v = p == 0 ? null : m.cString(p);
            return v == null ? "(null)" : v;
        }
        int size = size(type, m.pointerSize());
        long raw = m.read(arg, size);
        return switch (type) {
            case "bool" -> raw != 0 ? "Y" : "N";
            case "invbool" -> raw != 0 ? "N" : "Y";
            case "hexint" -> String.format("%#08x", raw);
            case "ullong", "ulong" -> size == 8 ? Long.toUnsignedString(raw) : Long.toString(raw);
            default -> isSigned(type) ? Long.toString(signExtend(raw, size)) : Long.toString(raw);
        };
    }

    static long signExtend(long v, int size) {
        int shift = 64 - 8 * size;
        return size == 8 ? v : (v << shift) >> shift;
    }
}
