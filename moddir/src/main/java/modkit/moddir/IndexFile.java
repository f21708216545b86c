package modkit.moddir;

import modkit.moddir.Fnmatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import modkit.elf.ModkitException;

/**
 * Reads kmod's binary module index ({@code modules.dep.bin}, {@code modules.alias.bin},
 * {@code modules.symbols.bin}, {@code modules.builtin.bin}, {@code modules.builtin.alias.bin}).
 *
 * <p>On-disk format (all integers 32-bit big-endian), from module-init-tools' index.c as kept by kmod:
 * <pre>
 *   u32 magic = 0xB007F457          ("BOOTFAST"; the older 0xB007FA57 format is not read by kmod either)
 *   u32 version = 0x00020001        (major 2 in the high half; a reader rejects another major)
 *   u32 root_offset                 (a node offset, see below)
 *   nodes, each at (offset &amp; 0x0FFFFFFF), with the flags in the high nibble saying which parts exist:
 *     0x80000000 PREFIX  char prefix[]   NUL-terminated: the rest of the arc label into this node
 *     0x20000000 CHILDS  u8 first, u8 last, u32 child[last - first + 1]   (0 = no child for that character)
 *     0x40000000 VALUES  u32 count, then count * { u32 priority, char value[] NUL-terminated }
 * </pre>
 * The trie maps ASCII keys to lists of values sorted by priority (depmod uses the module's position in
 * modules.dep). Child offsets always point backwards: depmod writes children before their parent. A key in
 * {@code modules.alias.bin} may be a shell pattern; {@link #searchWild} matches the patterns against a name.
 */
public final class IndexFile {
    /** One value of a key, with its priority. */
    public record Value(String value, int priority) {}

    /** One key with all its values, as {@link #entries()} lists them. */
    public record Entry(String key, List<Value> values) {}

    private static final int MASK = 0x0FFFFFFF;

    private final String file;
    private final byte[] data;
    private final int root;

    private IndexFile(String file, byte[] data) {
        this.file = file;
        this.data = data;
        if (data.length < 12 || u32(0) != IndexWriter.MAGIC) {
            throw new ModkitException(file + ": not a kmod index (bad magic)", "run depmod to rebuild it");
        }
        int version = u32(4);
        if ((version >>> 16) != (IndexWriter.VERSION >>> 16)) {
            throw new ModkitException(file + ": index version 0x" + Integer.toHexString(version)
                    + " is not supported (expected major 2)", "run depmod to rebuild it");
        }
        this.root = u32(8);
        checkOffset(root);
    }

    public static IndexFile read(Path path) {
        try {
            return new IndexFile(path.toString(), Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            throw new ModkitException(path + ": no such file", "run depmod to create it");
        } catch (IOException e) {
            throw new ModkitException(path + ": cannot read: " + e.getMessage());
        }
    }

    public static IndexFile of(String name, byte[] data) {
        return new IndexFile(name, data);
    }

    private int u32(int at) {
        return ((data[at] & 0xff) << 24) | ((data[at + 1] & 0xff) << 16) | ((data[at + 2] & 0xff) << 8) | (data[at + 3] & 0xff);
    }

    private void checkOffset(int node) {
        int at = node & MASK;
        if (at < 12 || at > data.length) {
            throw new ModkitException(file + ": node offset 0x" + Integer.toHexString(at) + " is outside the file (0x"
                    + Integer.toHexString(data.length) + " bytes)", "the index is damaged: run depmod to rebuild it");
        }
    }

    /** A decoded node: its prefix, child table and values. */
    private final class Node {
        final String prefix;
        final int first;
        final int[] children;
        final List<Value> values;

        Node(int offset) {
            checkOffset(offset);
            int at = offset & MASK;
            if ((offset & IndexWriter.NODE_PREFIX) != 0) {
                int end = at;
                while (end < data.length && data[end] != 0) {
                    end++;
                }
                need(end + 1);
                prefix = new String(data, at, end - at, StandardCharsets.ISO_8859_1);
                at = end + 1;
            } else {
                prefix = "";
            }
            if ((offset & IndexWriter.NODE_CHILDS) != 0) {
                need(at + 2);
                first = data[at] & 0xff;
                int last = data[at + 1] & 0xff;
                at += 2;
                int n = last - first + 1;
                if (n <= 0) {
                    throw new ModkitException(file + ": node at 0x" + Integer.toHexString(offset & MASK)
                            + " has child range " + first + ".." + last, "the index is damaged: run depmod to rebuild it");
                }
                need(at + 4 * n);
                children = new int[n];
                for (int i = 0; i < n; i++) {
                    children[i] = u32(at);
                    at += 4;
                }
            } else {
                first = 0;
                children = new int[0];
            }
            if ((offset & IndexWriter.NODE_VALUES) != 0) {
                need(at + 4);
                int count = u32(at);
                at += 4;
                // each value takes at least 5 bytes (priority and NUL): a count past that is damage, not data
                if (count < 0 || count > (data.length - at) / 5) {
                    throw new ModkitException(file + ": node at 0x" + Integer.toHexString(offset & MASK) + " claims "
                            + Integer.toUnsignedString(count) + " values, more than the 0x"
                            + Integer.toHexString(data.length - at) + " bytes after it hold",
                            "the index is damaged: run depmod to rebuild it");
                }
                values = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    need(at + 4);
                    int priority = u32(at);
                    at += 4;
                    int end = at;
                    while (end < data.length && data[end] != 0) {
                        end++;
                    }
                    need(end + 1);
                    values.add(new Value(new String(data, at, end - at, StandardCharsets.ISO_8859_1), priority));
                    at = end + 1;
                }
            } else {
                values = List.of();
            }
        }

        int child(int ch) {
            int i = ch - first;
            return i >= 0 && i < children.length ? children[i] : 0;
        }

        private void need(int end) {
            if (end > data.length) {
                throw new ModkitException(file + ": node runs past the end of the file (0x"
                        + Integer.toHexString(data.length) + " bytes)", "the index is damaged: run depmod to rebuild it");
            }
        }
    }

    /** The values stored under exactly {@code key}, best priority first; empty if none. */
    public List<Value> lookup(String key) {
        int offset = root;
        int i = 0;
        while (true) {
            Node n = new Node(offset);
            if (!key.startsWith(n.prefix, i)) {
                return List.of();
            }
            i += n.prefix.length();
            if (i == key.length()) {
                return n.values;
            }
            int next = n.child(key.charAt(i));
            if (next == 0) {
                return List.of();
            }
            offset = next;
            i++;
        }
    }

    /** The first value under {@code key} (what kmod's {@code index_search} returns), or null. */
    public String search(String key) {
        List<Value> v = lookup(key);
        return v.isEmpty() ? null : v.get(0).value();
    }

    /** Every value whose key, read as a shell pattern, matches {@code name}; in key order. */
    public List<Value> searchWild(String name) {
        List<Value> out = new ArrayList<>();
        for (Entry e : entries()) {
            if (Fnmatch.matches(e.key(), name)) {
                out.addAll(e.values());
            }
        }
        return out;
    }

    /** Every key with its values, in key order. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        walk(root, new StringBuilder(), out);
        return out;
    }

    private void walk(int offset, StringBuilder key, List<Entry> out) {
        Node n = new Node(offset);
        int mark = key.length();
        key.append(n.prefix);
        if (!n.values.isEmpty()) {
            out.add(new Entry(key.toString(), n.values));
        }
        for (int i = 0; i < n.children.length; i++) {
            if (n.children[i] != 0) {
                if ((n.children[i] & MASK) >= (offset & MASK)) {
                    throw new ModkitException(file + ": child offset 0x" + Integer.toHexString(n.children[i] & MASK)
                            + " does not point before its parent at 0x" + Integer.toHexString(offset & MASK),
                            "the index is damaged: run depmod to rebuild it");
                }
                key.append((char) (n.first + i));
                walk(n.children[i], key, out);
                key.setLength(key.length() - 1);
            }
        }
        key.setLength(mark);
    }
}
