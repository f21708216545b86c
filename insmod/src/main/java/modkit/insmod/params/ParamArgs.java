package modkit.insmod.params;

import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's {@code parse_args}/{@code next_arg} tokenizer: whitespace separates arguments, double quotes group
 * (a leading quote and the quotes around a value are dropped), {@code name} alone has no value, and a bare
 * {@code --} ends the list (what follows is ignored, with a warning).
 */
public final class ParamArgs {
    /** One argument: {@code value} is null for a bare name. */
    public record Arg(String name, String value) {}

    public record Parsed(List<Arg> args, String ignoredAfterDashes) {}

    private ParamArgs() {}

    public static Parsed parse(String line) {
        List<Arg> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return new Parsed(out, null);
            }
            boolean quoted = line.charAt(i) == '"';
            if (quoted) {
                i++;
            }
            boolean inQuote = quoted;
            int start = i;
            int equals = -1;
            for (; i < n; i++) {
                char c = line.charAt(i);
                if (Character.isWhitespace(c) && !inQuote) {
                    break;
                }
                if (equals < 0 && c == '=') {
                    equals = i;
                }
                if (c == '"') {
                    inQuote = !inQuote;
                }
            }
            int end = i;
            String name;
            String value = null;
            if (equals < 0) {
                name = line.substring(start, end);
                if (quoted && name.endsWith("\"")) {
                    name = name.substring(0, name.length() - 1);
                }
            } else {
                name = line.substring(start, equals);
                int vs = equals + 1;
                int ve = end;
                if (vs < ve && line.charAt(vs) == '"') {
                    vs++;
                    if (ve > vs && line.charAt(ve - 1) == '"') {
                        ve--;
                    }
                } else if (quoted && ve > vs && line.charAt(ve - 1) == '"') {
                    ve--;
                }
                value = line.substring(vs, Math.max(vs, ve));
            }
            if (name.equals("--") && value == null) {
                String rest = line.substring(Math.min(n, i)).strip();
                return new Parsed(out, rest.isEmpty() ? null : rest);
            }
            out.add(new Arg(name, value));
        }
    }

    /** {@code parameq}: '-' and '_' are the same in parameter names. */
    public static boolean sameName(String a, String b) {
        return a.replace('-', '_').equals(b.replace('-', '_'));
    }
}
