package modkit.moddir;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import modkit.elf.ModInfo;

/**
 * {@code modules.builtin.modinfo}, which kbuild leaves in the module directory: the .modinfo strings of the modules
 * built into the kernel, each {@code module.key=value} and NUL-terminated. depmod indexes their aliases
 * (modules.builtin.alias.bin), modprobe looks aliases up in it, and modinfo prints a built-in module from it.
 */
public final class BuiltinModinfo {
    /**
     * One string: the module, the key and the value, and its position among the file's strings (from 1), which
     * keeps the file's order where entries are sorted by something else.
     */
    public record Entry(String module, String key, String value, int position) {}

    private BuiltinModinfo() {}

    /** Every {@code module.key=value} string in file order; a string without a dot before its '=' is skipped. */
    public static List<Entry> parse(byte[] data) {
        List<Entry> out = new ArrayList<>();
        int position = 0;
        int i = 0;
        while (i < data.length) {
            int end = i;
            while (end < data.length && data[end] != 0) {
                end++;
            }
            String s = new String(data, i, end - i, StandardCharsets.ISO_8859_1);
            i = end + 1;
            position++;
            int dot = s.indexOf('.');
            int eq = s.indexOf('=');
            if (dot <= 0 || eq < dot) {
                continue;
            }
            out.add(new Entry(s.substring(0, dot), s.substring(dot + 1, eq), s.substring(eq + 1), position));
        }
        return out;
    }

    /** The entries grouped by module, modules in order of first appearance, each module's entries in file order. */
    public static Map<String, List<ModInfo.Entry>> byModule(byte[] data) {
        Map<String, List<ModInfo.Entry>> out = new LinkedHashMap<>();
        for (Entry e : parse(data)) {
            out.computeIfAbsent(e.module(), k -> new ArrayList<>()).add(new ModInfo.Entry(e.key(), e.value()));
        }
        return out;
    }
}
