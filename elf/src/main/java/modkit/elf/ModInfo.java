package modkit.elf;

import java.nio.charset.Charset;
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

    /**
     * Which entries to keep, judged on the raw bytes of the key, {@code data[from, to)}, before any decoding: the
     * key to keep the entry under, or null to drop it. Returning one shared String per key saves a String per
     * entry (depmod keeps every module's 26,000 {@code alias} entries until its indexes are written).
     */
    public interface KeyFilter {
        String key(byte[] data, int from, int to);
    }

    public static ModInfo parse(byte[] data) {
        return new ModInfo(entries(data, 0, data.length, StandardCharsets.UTF_8, null));
    }

    /**
     * The entries in {@code data[from, to)}: each string split at its first '=' (none: the value is empty),
     * decoded with {@code charset}. A null {@code filter} keeps every entry.
     */
    public static List<Entry> entries(byte[] data, int from, int to, Charset charset, KeyFilter filter) {
        List<Entry> out = new ArrayList<>();
        int i = from;
        while (i < to) {
            if (data[i] == 0) {
                i++;
                continue;
            }
            int end = i;
            int eq = -1;
            while (end < to && data[end] != 0) {
                if (eq < 0 && data[end] == '=') {
                    eq = end;
                }
                end++;
            }
            int keyEnd = eq < 0 ? end : eq;
            String key = filter == null ? new String(data, i, keyEnd - i, charset) : filter.key(data, i, keyEnd);
            if (key != null) {
                out.add(new Entry(key, eq < 0 ? "" : new String(data, eq + 1, end - eq - 1, charset)));
            }
            i = end + 1;
        }
        return out;
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
