package modkit.moddir;

import java.util.Arrays;

/**
 * A file built in memory, for depmod's tens of thousands of lines and index nodes: Latin-1 text copied straight
 * in (no String per line, no encoder per piece), raw bytes, and big-endian 32-bit words for the .bin indexes.
 * Unlike ByteArrayOutputStream it takes no lock per byte.
 */
public final class ByteBuilder {
    private byte[] bytes;
    private int size;

    public ByteBuilder() {
        this(1 << 16);
    }

    /** A builder with room for {@code capacity} bytes before it grows. */
    public ByteBuilder(int capacity) {
        bytes = new byte[Math.max(capacity, 16)];
    }

    /** Appends {@code s}; every char is below 256 (names and aliases come from Latin-1 decoded bytes). */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) is the allocation-free Latin-1 copy wanted here
    public ByteBuilder add(String s) {
        int n = s.length();
        ensure(n);
        s.getBytes(0, n, bytes, size);
        size += n;
        return this;
    }

    public ByteBuilder add(char c) {
        ensure(1);
        bytes[size++] = (byte) c;
        return this;
    }

    public ByteBuilder add(long v) {
        return add(Long.toString(v));
    }

    public ByteBuilder add(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
        return this;
    }

    /** One byte: the low 8 bits of {@code b}. */
    public ByteBuilder addByte(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
        return this;
    }

    public ByteBuilder int32(int v) {
        ensure(4);
        bytes[size] = (byte) (v >>> 24);
        bytes[size + 1] = (byte) (v >>> 16);
        bytes[size + 2] = (byte) (v >>> 8);
        bytes[size + 3] = (byte) v;
        size += 4;
        return this;
    }

    public int size() {
        return size;
    }

    /** Ends the line. */
    public ByteBuilder nl() {
        return add('\n');
    }

    /** A whole line. */
    public ByteBuilder line(String s) {
        return add(s).nl();
    }

    /** The bytes built; the array itself when it is exactly full (a builder sized up front), else a copy. */
    public byte[] toBytes() {
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
