package modkit.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import modkit.elf.ModkitException;

/**
 * A module's memory addressed the way its code sees it: reads and writes at virtual addresses inside its
 * regions, in the target's byte order and pointer width. Parameters are set and shown through it.
 */
public final class ImageMemory {
    private final List<ModuleImage.Region> regions;
    private final ByteOrder order;
    private final int pointerSize;

    public ImageMemory(List<ModuleImage.Region> regions, ByteOrder order, int pointerSize) {
        this.regions = regions;
        this.order = order;
        this.pointerSize = pointerSize;
    }

    public static ImageMemory of(List<ModuleImage.Region> regions, KernelProfile profile) {
        return new ImageMemory(regions, profile.byteOrder(), profile.pointerSize());
    }

    public int pointerSize() {
        return pointerSize;
    }

    public boolean contains(long address, int size) {
        return at(address, size, false) != null;
    }

    private ByteBuffer at(long address, int size, boolean required) {
        for (ModuleImage.Region r : regions) {
            long off = address - r.address();
            if (off >= 0 && off <= r.bytes().length - (long) size) { // not off + size: that can wrap past Long.MAX_VALUE
                return ByteBuffer.wrap(r.bytes()).order(order).position((int) off);
            }
        }
        if (required) {
            throw new ModkitException("address 0x" + Long.toHexString(address) + " (+" + size + ") is outside the module's memory");
        }
        return null;
    }

    /** Reads an unsigned field of 1, 2, 4 or 8 bytes (8-byte values are returned as their bits). */
    public long read(long address, int size) {
        ByteBuffer b = at(address, size, true);
        return switch (size) {
            case 1 -> b.get() & 0xff;
            case 2 -> b.getShort() & 0xffff;
            case 4 -> b.getInt() & 0xffffffffL;
            case 8 -> b.getLong();
            default -> throw new IllegalArgumentException("field size " + size);
        };
    }

    public void write(long address, int size, long value) {
        ByteBuffer b = at(address, size, true);
        switch (size) {
            case 1 -> b.put((byte) value);
            case 2 -> b.putShort((short) value);
            case 4 -> b.putInt((int) value);
            case 8 -> b.putLong(value);
            default -> throw new IllegalArgumentException("field size " + size);
        }
    }

    public long readPointer(long address) {
        return read(address, pointerSize);
    }

    public void writeBytes(long address, byte[] bytes) {
        ByteBuffer b = at(address, bytes.length, true);
        b.put(bytes);
    }

    /** The NUL-terminated string at {@code address}, or null if it is not inside the module's memory. */
    public String cString(long address) {
        return cString(address, Integer.MAX_VALUE);
    }

    /**
     * Like {@link #cString(long)}, at most {@code limit} bytes long: a string that runs to the end of its region
     * without a NUL ends there.
     */
    public String cString(long address, int limit) {
        for (ModuleImage.Region r : regions) {
            long off = address - r.address();
            byte[] b = r.bytes();
            if (off >= 0 && off < b.length) {
                int end = (int) off;
                while (end < b.length && b[end] != 0 && end - off < limit) {
                    end++;
                }
                return new String(b, (int) off, end - (int) off, StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
