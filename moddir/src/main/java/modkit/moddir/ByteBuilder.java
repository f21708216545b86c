package modkit.moddir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * A file built in memory, for depmod's tens of thousands of lines and index nodes: Latin-1 text copied straight
 * in (no String per line, no encoder per piece), raw bytes, and big-endian 32-bit words for the .bin indexes.
 * Unlike ByteArrayOutputStream it takes no lock per byte.
 *
 * <p>Or a file written as it is built ({@link #to}): the bytes go to a file channel every 64 KB, so a builder holds
 * no more than that. depmod's files, built whole and kept until written, were 5 MB of a 25 MB live heap on Debian's
 * 4,023 modules (and twice that while their arrays doubled), and a peak heap is memory the process keeps.
 */
public final class ByteBuilder {
    private static final int CHUNK = 1 << 16;

    private byte[] bytes;
    private int size; // bytes in the array, after the flushed ones
    private final FileChannel sink; // null: in memory
    private long flushed; // bytes already written to the sink

    public ByteBuilder() {
        this(CHUNK);
    }

    /** A builder with room for {@code capacity} bytes before it grows. */
    public ByteBuilder(int capacity) {
        bytes = new byte[Math.max(capacity, 16)];
        sink = null;
    }

    private ByteBuilder(FileChannel sink) {
        this.bytes = new byte[CHUNK];
        this.sink = sink;
    }

    /**
     * A builder that writes to {@code ch}, a new empty file, 64 KB at a time; {@link #flush} writes the rest. An
     * I/O error is thrown as an {@link UncheckedIOException}.
     */
    public static ByteBuilder to(FileChannel ch) {
        return new ByteBuilder(ch);
    }

    /** Appends {@code s}; every char is below 256 (names and aliases come from Latin-1 decoded bytes). */
    public ByteBuilder add(String s) {
        return add(s, 0, s.length());
    }

    /** Appends {@code s}'s chars {@code [from, from + len)}, each below 256, as {@link #add(String)} does. */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) is the allocation-free Latin-1 copy wanted here
    public ByteBuilder add(String s, int from, int len) {
        ensure(len);
        s.getBytes(from, from + len, bytes, size);
        size += len;
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

    /** The bytes built so far, those already written out included: the offset of the next byte. */
    public int size() {
        return Math.toIntExact(flushed + size);
    }

    /**
     * Overwrites the big-endian 32-bit word at {@code at} (an offset below {@link #size}), as an index's header
     * takes its root's offset once the root is written.
     */
    public void putInt(int at, int v) {
        if (at + 4 > size()) {
            throw new IndexOutOfBoundsException(at);
        }
        if (at >= flushed) {
            int i = (int) (at - flushed);
            bytes[i] = (byte) (v >>> 24);
            bytes[i + 1] = (byte) (v >>> 16);
            bytes[i + 2] = (byte) (v >>> 8);
            bytes[i + 3] = (byte) v;
            return;
        }
        flush(); // (the word may straddle the flushed part and the array)
        ByteBuffer b = ByteBuffer.allocate(4).putInt(0, v);
        try {
            while (b.hasRemaining()) {
                sink.write(b, at + b.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes what is built to the file (a builder in memory keeps it). */
    public void flush() {
        if (sink == null || size == 0) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, size);
        try {
            while (b.hasRemaining()) {
                sink.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        flushed += size;
        size = 0;
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
        if (sink != null) {
            throw new IllegalStateException("a builder that writes to a file does not keep its bytes");
        }
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length && sink != null) {
            flush();
        }
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
