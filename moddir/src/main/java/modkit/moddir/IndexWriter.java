package modkit.moddir;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
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

    private record Value(int priority, byte[] value) {}

    // Gathered in a hash map and sorted once in toBytes (a tree map compared tens of thousands of long, alike keys
    // on every insertion). Keys as ISO-8859-1 strings sort like unsigned bytes, i.e. like strcmp on 7-bit ASCII.
    private final HashMap<String, List<Value>> keys = new HashMap<>();

    /** Adds {@code value} under {@code key}; a repeated (key, value) pair is kept twice, as kmod does. */
    public void add(String key, String value, int priority) {
        add(key, value.getBytes(StandardCharsets.ISO_8859_1), priority);
    }

    /** Like {@link #add(String, String, int)} with the value already in bytes (which the index then owns). */
    public void add(String key, byte[] value, int priority) {
        checkAscii(key);
        for (byte b : value) {
            if (b < 0) { // the bytes of a Latin-1 string: negative is 128 or above
                throw notAscii(b & 0xff, new String(value, StandardCharsets.ISO_8859_1));
            }
        }
        keys.computeIfAbsent(key, k -> new ArrayList<>(1)).add(new Value(priority, value));
    }

    public boolean isEmpty() {
        return keys.isEmpty();
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
        String[] order = keys.keySet().toArray(new String[0]);
        Arrays.sort(order);
        List<byte[]> sorted = new ArrayList<>(order.length);
        List<List<Value>> values = new ArrayList<>(order.length);
        for (String k : order) {
            addSorted(k, sorted, values); // (a method: the JIT compiles it while this loop runs once)
        }
        ByteBuilder out = new ByteBuilder();
        out.int32(MAGIC);
        out.int32(VERSION);
        out.int32(0);
        // An empty root has no prefix, children or values: kmod writes no bytes for it, only its offset.
        int root = sorted.isEmpty() ? out.size() : writeNode(out, sorted, values, 0, sorted.size(), 0, true);
        byte[] bytes = out.toBytes();
        putInt(bytes, 8, root);
        return bytes;
    }

    private void addSorted(String key, List<byte[]> sorted, List<List<Value>> values) {
        sorted.add(key.getBytes(StandardCharsets.ISO_8859_1));
        values.add(keys.get(key));
    }

    /**
     * Writes the node for keys[lo, hi), which all agree on their first {@code depth} bytes, and returns its offset
     * with flags.
     */
    private int writeNode(ByteBuilder out, List<byte[]> k, List<List<Value>> v, int lo, int hi, int depth, boolean root) {
        int end = depth;
        if (!root) {
            byte[] first = k.get(lo);
            byte[] last = k.get(hi - 1); // sorted: the common prefix of all is that of the first and the last
            while (end < first.length && end < last.length && first[end] == last[end]) {
                end++;
            }
        }
        int at = lo;
        List<Value> here = null;
        if (k.get(lo).length == end) {
            here = v.get(lo);
            at++;
        }
        int firstChar = -1;
        int lastChar = -1;
        List<int[]> children = new ArrayList<>();
        while (at < hi) {
            int ch = k.get(at)[end] & 0xff;
            int stop = at + 1;
            while (stop < hi && (k.get(stop)[end] & 0xff) == ch) {
                stop++;
            }
            children.add(new int[] {ch, writeNode(out, k, v, at, stop, end + 1, false)});
            if (firstChar < 0) {
                firstChar = ch;
            }
            lastChar = ch;
            at = stop;
        }
        int offset = out.size();
        if (end > depth) {
            out.add(k.get(lo), depth, end - depth);
            out.addByte(0);
            offset |= NODE_PREFIX;
        }
        if (!children.isEmpty()) {
            out.addByte(firstChar);
            out.addByte(lastChar);
            int[] table = new int[lastChar - firstChar + 1];
            for (int[] c : children) {
                table[c[0] - firstChar] = c[1];
            }
            for (int t : table) {
                out.int32(t);
            }
            offset |= NODE_CHILDS;
        }
        if (here != null) {
            List<Value> ordered = here;
            if (here.size() > 1) {
                ordered = new ArrayList<>(here);
                Collections.reverse(ordered);
                ordered.sort((a, b) -> Integer.compareUnsigned(a.priority, b.priority));
            }
            out.int32(ordered.size());
            for (Value val : ordered) {
                out.int32(val.priority);
                out.add(val.value, 0, val.value.length);
                out.addByte(0);
            }
            offset |= NODE_VALUES;
        }
        return offset;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
