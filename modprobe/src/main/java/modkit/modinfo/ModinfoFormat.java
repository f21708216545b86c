package modkit.modinfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import modkit.elf.ModInfo;

/**
 * kmod's modinfo output for one module. Without a field: {@code name:} (built-ins only) and {@code filename:}, then
 * each entry as {@code key:} padded to column 16 and the value (or {@code key=value} with {@code -0}), then the
 * parameters. With {@code -F FIELD}: only the values of that key (exact, case-sensitive); {@code filename} prints
 * just the file name; {@code parm} the merged parameters; {@code parmtype} the raw type entries. Parameters merge each {@code parm} (description) with its {@code parmtype} and print as
 * {@code name:description (type)}, in the reverse order of first appearance, as kmod's list prepends them.
 */
public final class ModinfoFormat {
    /** A module parameter, its description and type (either may be null). */
    public record Param(String name, String description, String type) {
        /**
         * kmod 30's forms: a type without description prints as {@code name:type} in the full listing but as
         * {@code name: (type)} with {@code -p}.
         */
        String render(boolean onlyParams) {
            if (description == null) {
                return onlyParams ? name + ": (" + type + ")" : name + ":" + type;
            }
            return type != null ? name + ":" + description + " (" + type + ")" : name + ":" + description;
        }
    }

    private ModinfoFormat() {}

    /** The parameters, in kmod's print order. */
    public static List<Param> params(List<ModInfo.Entry> entries) {
        Map<String, String[]> byName = new LinkedHashMap<>();
        for (ModInfo.Entry e : entries) {
            boolean parm = e.key().equals("parm");
            if (!parm && !e.key().equals("parmtype")) {
                continue;
            }
            int colon = e.value().indexOf(':');
            if (colon < 0) {
                continue; // kmod: "Found invalid \"name:value\" pair", skipped
            }
            String[] p = byName.computeIfAbsent(e.value().substring(0, colon), k -> new String[2]);
            p[parm ? 0 : 1] = e.value().substring(colon + 1);
        }
        List<Param> out = new ArrayList<>();
        for (Map.Entry<String, String[]> e : byName.entrySet()) {
            out.add(0, new Param(e.getKey(), e.getValue()[0], e.getValue()[1]));
        }
        return out;
    }

    /** Renders one module; {@code field} null for all, {@code separator} '\n' or '\0'. */
    public static String render(ModuleInfo m, String field, char separator) {
        StringBuilder sb = new StringBuilder();
        String filename = m.filename();
        if (m.builtin()) {
            if (field == null) {
                sb.append(padded("name", m.name())).append(separator);
            } else if (field.equals("name")) {
                sb.append(m.name()).append(separator);
            }
            filename = "(builtin)";
        }
        if ("filename".equals(field)) {
            return sb.append(filename).append(separator).toString();
        } else if (field == null) {
            sb.append(padded("filename", filename)).append(separator);
        }
        for (ModInfo.Entry e : m.entries()) {
            // parm and parmtype are merged below, unless a field asks for the raw parmtype values
            if (e.key().equals("parm") || (e.key().equals("parmtype") && !"parmtype".equals(field))) {
                continue;
            }
            if (field != null) {
                if (field.equals(e.key())) {
                    sb.append(e.value()).append(separator);
                }
            } else if (separator == '\0') {
                sb.append(e.key()).append('=').append(e.value()).append(separator);
            } else {
                sb.append(padded(e.key(), e.value())).append(separator);
            }
        }
        if (field == null || field.equals("parm")) {
            for (Param p : params(m.entries())) {
                sb.append(field == null ? padded("parm", p.render(false)) : p.render(true)).append(separator);
            }
        }
        return sb.toString();
    }

    /** {@code printf("%s:%-*s%s", key, 15 - strlen(key), "", value)}. */
    private static String padded(String key, String value) {
        StringBuilder sb = new StringBuilder(key).append(':');
        for (int i = key.length(); i < 15; i++) {
            sb.append(' ');
        }
        return sb.append(value).toString();
    }
}
