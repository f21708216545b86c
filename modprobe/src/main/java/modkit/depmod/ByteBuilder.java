package modkit.depmod;

import java.util.Arrays;

/**
 * A text file built in memory as Latin-1 bytes, for depmod's tens of thousands of lines: each piece is copied
 * straight in, with no String per line and no encoder per piece.
 */
final class TextFile {
    private byte[] bytes = new byte[1 << 16];
    private int size;

    /** Appends {@code s}; every char is below 256 (names and aliases come from Latin-1 decoded bytes). */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) is the allocation-free Latin-1 copy wanted here
    TextFile add(String s) {
        int n = s.length();
        ensure(n);
        s.getBytes(0, n, bytes, size);
        size += n;
        return this;
    }

    TextFile add(char c) {
        ensure(1);
        bytes[size++] = (byte) c;
        return this;
    }

    TextFile add(long v) {
        return add(Long.toString(v));
    }

    /** Ends the line. */
    TextFile nl() {
        return add('\n');
    }

    /** A whole line. */
    TextFile line(String s) {
        return add(s).nl();
    }

    byte[] toBytes() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
