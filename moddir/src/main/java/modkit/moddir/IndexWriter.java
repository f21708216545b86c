package modkit.moddir;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import modkit.elf.ModkitException;

/**
 * Builds a kmod binary index ({@code modules.dep.bin}, {@code modules.alias.bin}, ...) byte for byte as kmod's
 * depmod writes it. The format is described in {@link IndexFile}.
 *
 * <p>kmod builds its trie by inserting keys one at a time and splitting nodes; the result is the canonical
 * path-compressed trie of the key set (except that the root never holds a prefix), so we build that directly from
 * the sorted keys. Nodes are written children first, in character order, so a node's offset is known before its
 * parent is written. Values of one key are ordered by priority; kmod inserts a value before the first one of equal
 * or higher priority, so values of equal priority come out in reverse insertion order.
 */
public final class IndexWriter {
    static final int MAGIC = 0xB007F457;
    static final int VERSION = 0x00020001;
    static final int NODE_PREFIX = 0x80000000;
    static final int NODE_VALUES = 0x40000000;
    static final int NODE_CHILDS = 0x20000000;

    /**
     * One {@link #add}: the key (7-bit ASCII, checked: its chars are its bytes), the value's bytes (shared by the
     * adds that give the same value), the priority. The key is the caller's String, not a copy: depmod's 26,000
     * aliases are mostly the modules' own strings, and with a byte[] copy of each key its heap ended 1.5-2 MB
     * larger.
     */
    private record Entry(String key, byte[] value, int priority) {}

    // The two orders as classes, not lambdas: depmod's AOT cache is trained on a tree where one of them never runs,
    // and a lambda first met at run time spins a class (the JDK's class-file generator, then its compilation: 7 MB
    // of compiler memory in depmod's peak).

    /** By key, as unsigned bytes, like strcmp (for ASCII, String's order). */
    private static final class ByKey implements java.util.Comparator<Entry> {
        static final ByKey ORDER = new ByKey();

        @Override
        public int compare(Entry a, Entry b) {
            return a.key.compareTo(b.key);
        }
    }

    /** By priority, unsigned. */
    private static final class ByPriority implements java.util.Comparator<Entry> {
        static final ByPriority ORDER = new ByPriority();

        @Override
        public int compare(Entry a, Entry b) {
            return Integer.compareUnsigned(a.priority, b.priority);
        }
    }

    // The adds in order, sorted when the index is written (stably: a key's values stay in insertion order). One
    // small object per add: a map from key to a list of values, with the sorted copies of the keys made for writing,
    // was 5 MB for the 26,000 aliases of Debian's 6.1 tree, most of depmod's heap while it rendered
    // modules.alias.bin.
    private Entry[] entries = new Entry[64];
    private int size;
    // The last value added and its bytes: a module's aliases come one after another, with its name as the value.
    private String lastValue;
    private byte[] lastValueBytes;

    /** Adds {@code value} under {@code key}; a repeated (key, value) pair is kept twice, as kmod does. */
    public void add(String key, String value, int priority) {
        if (value != lastValue) {
            lastValueBytes = checkedValue(value.getBytes(StandardCharsets.ISO_8859_1));
            lastValue = value;
        }
        addEntry(key, lastValueBytes, priority);
    }

    /** Like {@link #add(String, String, int)} with the value already in bytes (which the index then owns). */
    public void add(String key, byte[] value, int priority) {
        addEntry(key, checkedValue(value), priority);
    }

    private void addEntry(String key, byte[] value, int priority) {
        checkAscii(key);
        if (size == entries.length) {
            entries = Arrays.copyOf(entries, size * 2);
        }
        entries[size++] = new Entry(key, value, priority);
    }

    private static byte[] checkedValue(byte[] value) {
        for (byte b : value) {
            if (b < 0) { // the bytes of a Latin-1 string: negative is 128 or above
                throw notAscii(b & 0xff, new String(value, StandardCharsets.ISO_8859_1));
            }
        }
        return value;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    private static void checkAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 128) {
                throw notAscii(s.charAt(i), s);
            }
        }
    }

    private static ModkitException notAscii(int c, String text) {
        return new ModkitException("module index: bad character 0x" + Integer.toHexString(c) + " in '" + text
                + "': only 7-bit ASCII is supported");
    }

    public byte[] toBytes() {
        ByteBuilder out = new ByteBuilder();
        writeTo(out);
        return out.toBytes();
    }

    /** Writes the index to {@code out}, which must be empty (the header's root offset is written last). */
    public void writeTo(ByteBuilder out) {
        if (out.size() != 0) {
            throw new IllegalArgumentException("an index starts its file");
        }
        // Keys compare as unsigned bytes, like strcmp; the sort is stable, so equal keys keep their insertion order.
        Arrays.sort(entries, 0, size, ByKey.ORDER);
        out.int32(MAGIC);
        out.int32(VERSION);
        out.int32(0);
        // An empty root has no prefix, children or values: kmod writes no bytes for it, only its offset.
        int root = size == 0 ? out.size() : writeNode(out, entries, 0, size, 0, true);
        out.putInt(8, root);
    }

    /**
     * Writes the node for keys[lo, hi), which all agree on their first {@code depth} bytes, and returns its offset
     * with flags.
     */
    private int writeNode(ByteBuilder out, Entry[] k, int lo, int hi, int depth, boolean root) {
        int end = depth;
        String first = k[lo].key;
        if (!root) {
            String last = k[hi - 1].key; // sorted: the common prefix of all is that of the first and the last
            while (end < first.length() && end < last.length() && first.charAt(end) == last.charAt(end)) {
                end++;
            }
        }
        int at = lo;
        int valuesAt = lo;
        while (at < hi && k[at].key.length() == end) { // the key that ends here, once per value
            at++;
        }
        int valuesEnd = at;
        int[] table = null;
        int firstChar = 0;
        if (at < hi) {
            // sorted: the children's first bytes run from that of the first key left to that of the last
            firstChar = k[at].key.charAt(end);
            table = new int[k[hi - 1].key.charAt(end) - firstChar + 1];
        }
        while (at < hi) {
            int ch = k[at].key.charAt(end);
            int stop = at + 1;
            while (stop < hi && k[stop].key.charAt(end) == ch) {
                stop++;
            }
            table[ch - firstChar] = writeNode(out, k, at, stop, end + 1, false);
            at = stop;
        }
        int offset = out.size();
        if (end > depth) {
            out.add(first, depth, end - depth);
            out.addByte(0);
            offset |= NODE_PREFIX;
        }
        if (table != null) {
            out.addByte(firstChar);
            out.addByte(firstChar + table.length - 1);
            for (int t : table) {
                out.int32(t);
            }
            offset |= NODE_CHILDS;
        }
        if (valuesEnd > valuesAt) {
            writeValues(out, k, valuesAt, valuesEnd);
            offset |= NODE_VALUES;
        }
        return offset;
    }

    /** A key's values by priority; kmod puts equal priorities in reverse insertion order. */
    private static void writeValues(ByteBuilder out, Entry[] k, int lo, int hi) {
        Entry[] ordered = new Entry[hi - lo];
        for (int i = 0; i < ordered.length; i++) {
            ordered[i] = k[hi - 1 - i];
        }
        if (ordered.length > 1) {
            Arrays.sort(ordered, ByPriority.ORDER);
        }
        out.int32(ordered.length);
        for (Entry e : ordered) {
            out.int32(e.priority);
            out.add(e.value, 0, e.value.length);
            out.addByte(0);
        }
    }
}
