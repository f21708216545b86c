package modkit.command;

import java.util.List;
import java.util.Map;

/**
 * Writes the values commands print with {@code --json}: maps (keys in insertion order), lists, strings, numbers,
 * booleans and null (anything else as its string), two-space indented, one trailing newline.
 */
public final class Json {
    private Json() {}

    public static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, "");
        return b.append('\n').toString();
    }

    private static void write(StringBuilder b, Object v, String indent) {
        switch (v) {
            case null -> b.append("null");
            case String s -> quote(b, s);
            case Number n -> b.append(n);
            case Boolean x -> b.append(x);
            case Map<?, ?> m -> {
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
            case List<?> l -> {
                if (l.isEmpty()) {
                    b.append("[]");
                    return;
                }
                // Lists of plain values stay on one line; lists of objects get one element per line.
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
            default -> quote(b, v.toString());
        }
    }

    /** {@code s} as a JSON string literal, for writers that lay out their own lines (the load map). */
    public static String string(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2);
        quote(b, s);
        return b.toString();
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
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /** An address as the JSON outputs write it: "0x" and lower-case hex of the 64 bits. */
    public static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }
}
