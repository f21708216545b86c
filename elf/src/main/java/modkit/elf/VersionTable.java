package modkit.elf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A module's {@code __versions} entries (a target-sized CRC, then a NUL-padded name, in 64-byte slots), the one
 * reader of them for the linker and for depmod. Names can be looked up without decoding each into a String: a
 * module asks for a few hundred and a tree-wide scan needs none of them as text. {@link #first} gives the first
 * entry of a name, as the kernel's {@code check_version} and kmod's linear searches do.
 */
public final class VersionTable {
    private final byte[] data;
    private final ElfView view;
    private final int base;
    private final int crcSize;
    private final int[] nameLength;
    private final int[] hash;
    private final int[] slots; // open addressing on the name's String hash: entry index + 1, 0 = empty

    VersionTable(ElfView view, int count, int base) {
        this.view = view;
        this.data = view.data();
        this.base = base;
        this.crcSize = view.is64() ? 8 : 4;
        nameLength = new int[count];
        hash = new int[count];
        slots = new int[Integer.highestOneBit(Math.max(1, count * 2)) * 2];
        for (int v = 0; v < count; v++) {
            int start = nameStart(v);
            int end = start;
            int h = 0;
            while (end < base + v * ElfView.VERSION_ENTRY_SIZE + ElfView.VERSION_ENTRY_SIZE && data[end] != 0) {
                h = 31 * h + (data[end] & 0xff); // String.hashCode of the Latin-1 name
                end++;
            }
            nameLength[v] = end - start;
            hash[v] = h;
            int slot = h & (slots.length - 1);
            boolean duplicate = false;
            while (slots[slot] != 0) {
                int other = slots[slot] - 1;
                if (hash[other] == h && sameName(other, v)) {
                    duplicate = true; // a later entry of the same name is never found
                    break;
                }
                slot = (slot + 1) & (slots.length - 1);
            }
            if (!duplicate) {
                slots[slot] = v + 1;
            }
        }
    }

    public int count() {
        return nameLength.length;
    }

    /** The first entry named {@code name}, or -1. */
    public int first(String name) {
        int h = name.hashCode();
        for (int slot = h & (slots.length - 1); slots[slot] != 0; slot = (slot + 1) & (slots.length - 1)) {
            int v = slots[slot] - 1;
            if (hash[v] == h && nameEquals(v, name)) {
                return v;
            }
        }
        return -1;
    }

    public long crc(int v) {
        int at = base + v * ElfView.VERSION_ENTRY_SIZE;
        return crcSize == 8 ? view.buffer().getLong(at) : Integer.toUnsignedLong(view.buffer().getInt(at));
    }

    public String name(int v) {
        return new String(data, nameStart(v), nameLength[v], StandardCharsets.ISO_8859_1);
    }

    /** Every entry, in section order. */
    public List<VersionEntry> entries() {
        List<VersionEntry> out = new ArrayList<>(count());
        for (int v = 0; v < count(); v++) {
            out.add(new VersionEntry(name(v), crc(v)));
        }
        return out;
    }

    private int nameStart(int v) {
        return base + v * ElfView.VERSION_ENTRY_SIZE + crcSize;
    }

    private boolean nameEquals(int v, String name) {
        if (nameLength[v] != name.length()) {
            return false;
        }
        int start = nameStart(v);
        for (int k = 0; k < nameLength[v]; k++) {
            if ((data[start + k] & 0xff) != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private boolean sameName(int a, int b) {
        return nameLength[a] == nameLength[b] && Arrays.equals(data, nameStart(a), nameStart(a) + nameLength[a],
                data, nameStart(b), nameStart(b) + nameLength[b]);
    }
}
