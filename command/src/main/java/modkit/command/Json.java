package modkit.command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one writer of every JSON output (lsmod, ksyms, params, modinfo, depmod, modprobe --show-depends, insmod's
 * load map, sim, sign, verify). Values are maps (keys in insertion order), lists, strings, numbers, booleans and
 * null; anything else is written as its string. The output ends in one newline.
 *
 * <p>Layout: an object has one member per line, indented by two spaces a level. A list of plain values (strings,
 * numbers) stays on one line; any other list has one element per line. An object wrapped by {@link #inline} is
 * written on one line, as the lsmod and load-map rows are, except that a list of objects inside it still breaks
 * into lines, at the same indentation as the inline object itself ({@code modprobe --show-depends --json}).
 *
 * <p>Strings are escaped as RFC 8259 section 7 requires: quotation mark, reverse solidus and the control
 * characters U+0000 to U+001F; newline, tab and carriage return by their two-character forms, the others by the
 * six-character form (backslash, u, four hex digits). A lone UTF-16 surrogate, which UTF-8 cannot encode, is
 * written in the six-character form too, rather than lost to a '?'.
 */
public final class Json {
    private Json() {}

    /** An object to write on one line ({@code {"name": "loop", "size": 16384}}); see the class comment. */
    public record Inline(Map<?, ?> members) {}

    public static Inline inline(Map<?, ?> members) {
        return new Inline(members);
    }

    /**
     * An object of the given keys and values, in that order: {@code object("name", n, "size", s)}. A null value
     * is kept (written as null); leave the key out to omit it.
     */
    public static Map<String, Object> object(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Json.object takes keys and values in pairs, got " + keysAndValues.length + " arguments");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** {@code value} as JSON text, with one trailing newline. */
    public static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, "");
        return b.append('\n').toString();
    }

    private static void write(StringBuilder b, Object v, String indent) {
        switch (v) {
            case null -> b.append("null");
            case String s -> quote(b, s);
            case Double d when !Double.isFinite(d) -> b.append("null"); // JSON has no NaN or infinity
            case Float f when !Float.isFinite(f) -> b.append("null");
            case Number n -> b.append(n);
            case Boolean x -> b.append(x);
            case Inline o -> inline(b, o.members(), indent);
            case Map<?, ?> m -> object(b, m, indent);
            case List<?> l -> list(b, l, indent);
            default -> quote(b, v.toString());
        }
    }

    private static void object(StringBuilder b, Map<?, ?> m, String indent) {
        if (m.isEmpty()) {
            b.append("{}");
            return;
        }
        b.append("{\n");
        int i = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            b.append(indent).append("  ");
            quote(b, String.valueOf(e.getKey()));
            b.append(": ");
            write(b, e.getValue(), indent + "  ");
            b.append(++i < m.size() ? ",\n" : "\n");
        }
        b.append(indent).append('}');
    }

    /** Members on one line; the indentation passes through unchanged to a list of objects inside. */
    private static void inline(StringBuilder b, Map<?, ?> m, String indent) {
        b.append('{');
        int i = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (i++ > 0) {
                b.append(", ");
            }
            quote(b, String.valueOf(e.getKey()));
            b.append(": ");
            write(b, e.getValue(), indent);
        }
        b.append('}');
    }

    private static void list(StringBuilder b, List<?> l, String indent) {
        if (l.isEmpty()) {
            b.append("[]");
            return;
        }
        boolean flat = l.stream().allMatch(x -> x instanceof String || x instanceof Number);
        b.append(flat ? "[" : "[\n");
        for (int i = 0; i < l.size(); i++) {
            if (!flat) {
                b.append(indent).append("  ");
            }
            write(b, l.get(i), indent + "  ");
            if (i + 1 < l.size()) {
                b.append(flat ? ", " : ",\n");
            } else if (!flat) {
                b.append('\n').append(indent);
            }
        }
        b.append(']');
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        escape(b, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i)); // a pair: one code point, written as UTF-8
                    } else if (Character.isSurrogate(c)) {
                        escape(b, c);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    private static void escape(StringBuilder b, char c) {
        b.append("\\u");
        String hex = Integer.toHexString(c);
        b.append("0".repeat(4 - hex.length())).append(hex);
    }

    /** An address as the JSON outputs write it: "0x" and lower-case hex of the 64 bits. */
    public static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }
}
