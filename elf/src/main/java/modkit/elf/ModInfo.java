package modkit.elf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code .modinfo} section: NUL-terminated {@code key=value} strings, possibly with extra NUL padding
 * between them, kept in file order (modinfo prints them in that order).
 */
public final class ModInfo {
    public record Entry(String key, String value) {}

    private final List<Entry> entries;

    public ModInfo(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static ModInfo parse(byte[] data) {
        List<Entry> out = new ArrayList<>();
        int i = 0;
        while (i < data.length) {
            if (data[i] == 0) {
                i++;
                continue;
            }
            int end = i;
            while (end < data.length && data[end] != 0) {
                end++;
            }
            String s = new String(data, i, end - i, StandardCharsets.UTF_8);
            int eq = s.indexOf('=');
            out.add(eq < 0 ? new Entry(s, "") : new Entry(s.substring(0, eq), s.substring(eq + 1)));
            i = end + 1;
        }
        return new ModInfo(out);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The first value for {@code key}, or null. */
    public String get(String key) {
        for (Entry e : entries) {
            if (e.key.equals(key)) {
                return e.value;
            }
        }
        return null;
    }

    public List<String> all(String key) {
        List<String> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.key.equals(key)) {
                out.add(e.value);
            }
        }
        return out;
    }
}
