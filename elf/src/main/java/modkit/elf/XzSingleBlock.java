package modkit.elf;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.tukaani.xz.LZMA2InputStream;
import org.tukaani.xz.check.CRC64;

/**
 * The .xz file of a kernel module, decoded without the general stream reader: one stream of one block, LZMA2
 * alone, CRC32 or CRC64 check, which is what {@code xz} and the kernel's {@code scripts/Makefile.modinst} write.
 * The general reader hashes every stream's index with SHA-256 through the security providers and wraps the LZMA2
 * decoder in several layers; on a tree of small modules that was most of their cost (the first file alone took
 * 25 ms, looking up providers). Here the container's fields are checked the way the reader checks them, and the
 * block is decoded by tukaani's LZMA2 decoder with a dictionary no larger than the output (the encoder's 1 MiB
 * per file was most of the rest).
 *
 * <p>Where the system's liblzma is there ({@link LibLzma}), it decodes the checked stream instead of tukaani's
 * decoder: the same bytes, in half the time.
 *
 * <p>Anything else (several blocks or streams, other filters or checks, a field that does not add up, a damaged
 * block) gives null, and the caller decodes with the general reader, which also words the error.
 *
 * <p>Layout (The .xz File Format 1.2.1): stream header (magic, flags, CRC32); block header (size, flags, filter
 * flags, padding, CRC32); LZMA2 data; padding to four bytes; check; index (indicator 0, record count, one
 * unpadded size and uncompressed size per block, padding, CRC32); stream footer (CRC32, backward size, flags,
 * magic "YZ").
 */
final class XzSingleBlock {
    private static final int CHECK_NONE = 0;
    private static final int CHECK_CRC32 = 1;
    private static final int CHECK_CRC64 = 4;
    private static final int LZMA2_FILTER = 0x21;
    /** Larger claimed outputs are left to the general reader. */
    private static final long MAX_OUTPUT = 256L << 20;

    private final byte[] d; // for the Java decoder; null when reading a native segment
    private final MemorySegment s; // the same bytes, for the container's fields
    private int pos;

    private XzSingleBlock(byte[] data) {
        this.d = data;
        this.s = MemorySegment.ofArray(data);
    }

    private XzSingleBlock(MemorySegment data) {
        this.d = null;
        this.s = data;
    }

    private byte b(long at) {
        return s.get(ValueLayout.JAVA_BYTE, at);
    }

    /** The decoded bytes of {@code data} (starting with the xz magic), or null to use the general reader. */
    static byte[] decode(byte[] data) {
        return decode(data, LibLzma.available());
    }

    /** Like {@link #decode(byte[])}, by liblzma or by the Java decoder as {@code useLiblzma} says. */
    static byte[] decode(byte[] data, boolean useLiblzma) {
        try {
            return new XzSingleBlock(data).decode(useLiblzma);
        } catch (RuntimeException | IOException e) { // an index past the end, a damaged block: let the reader say
            return null;
        }
    }

    /** The decoded size {@code data}'s index states, if it is a stream this reader decodes; else -1. */
    static long decodedSize(MemorySegment data) {
        try {
            return new XzSingleBlock(data).outputSize();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * Decodes {@code data} (of {@code outSize} bytes decoded, as {@link #decodedSize} said) by liblzma into memory
     * outside the Java heap ({@link NativePages}), which the caller closes; null where liblzma is missing or the
     * stream does not decode (the caller then takes {@link #decode(byte[])}'s path, whose errors say what is wrong).
     */
    static NativePages decodeNative(MemorySegment data, long outSize) {
        if (!LibLzma.streamingAvailable() || outSize < 0) {
            return null;
        }
        try (NativePages in = NativePages.outOfHeap(data)) {
            if (in == null) {
                return null;
            }
            NativePages out = NativePages.reusable(outSize, NativePages.IMAGE);
            if (out != null && !LibLzma.stream(in.segment(), outSize, out.segment(), LibLzma.WHOLE)) {
                out.close();
                return null;
            }
            return out;
        }
    }

    /**
     * The stream's decoded size as its index states it, after checking the stream header and footer and that the
     * index has one record; -1 if any of that does not hold.
     */
    private long outputSize() {
        if (s.byteSize() > Integer.MAX_VALUE) {
            return -1;
        }
        int n = (int) s.byteSize();
        if (n < 12 + 12 || !hasXzMagic() || b(6) != 0 || (b(7) & 0xf0) != 0 || !crc32Matches(6, 2, 8)) {
            return -1;
        }
        int check = b(7) & 0x0f;
        if (check != CHECK_NONE && check != CHECK_CRC32 && check != CHECK_CRC64) {
            return -1;
        }
        // Stream footer: the index's size, and the same flags as the header.
        int footer = n - 12;
        if (b(footer + 10) != 'Y' || b(footer + 11) != 'Z' || b(footer + 8) != b(6)
                || b(footer + 9) != b(7) || !crc32Matches(footer + 4, 6, footer)) {
            return -1;
        }
        long indexSize = (u32(footer + 4) + 1) * 4;
        if (indexSize > footer - 12) {
            return -1;
        }
        index = footer - (int) indexSize;
        if (!crc32Matches(index, (int) indexSize - 4, footer - 4) || b(index) != 0) {
            return -1;
        }
        pos = index + 1;
        if (vli() != 1) {
            return -1;
        }
        unpadded = vli();
        long outSize = vli();
        return outSize > MAX_OUTPUT ? -1 : outSize;
    }

    private int index;
    private long unpadded;

    private byte[] decode(boolean useLiblzma) throws IOException {
        long outSize = outputSize();
        if (outSize < 0) {
            return null;
        }
        if (useLiblzma) { // the same bytes, twice as fast; liblzma checks the block's CRC itself
            byte[] out = new byte[(int) outSize];
            return LibLzma.decode(MemorySegment.ofArray(d), MemorySegment.ofArray(out)) ? out : null;
        }
        int check = d[7] & 0x0f;
        int checkSize = switch (check) {
            case CHECK_CRC32 -> 4;
            case CHECK_CRC64 -> 8;
            default -> 0;
        };
        // Block header.
        int header = 12;
        int headerSize = ((d[header] & 0xff) + 1) * 4;
        if (d[header] == 0 || !crc32Matches(header, headerSize - 4, header + headerSize - 4)) {
            return null;
        }
        int flags = d[header + 1] & 0xff;
        if ((flags & 0x3f) != 0) { // one filter (bits 0-1 zero), reserved bits 2-5 clear
            return null;
        }
        pos = header + 2;
        long compressedSize = unpadded - headerSize - checkSize;
        if ((flags & 0x40) != 0 && vli() != compressedSize) {
            return null;
        }
        if ((flags & 0x80) != 0 && vli() != outSize) {
            return null;
        }
        if (vli() != LZMA2_FILTER || vli() != 1) {
            return null;
        }
        int dictBits = d[pos++] & 0xff;
        if (dictBits > 40) {
            return null;
        }
        for (int i = pos; i < header + headerSize - 4; i++) {
            if (d[i] != 0) {
                return null;
            }
        }
        int data = header + headerSize;
        int checkAt = (int) (data + ((compressedSize + 3) & ~3L));
        if (compressedSize <= 0 || checkAt + checkSize != index) {
            return null;
        }
        // A match reaches back at most to the start of the output: a dictionary of the output's size will do.
        long declaredDict = dictBits == 40 ? 0xffffffffL : (2L | (dictBits & 1)) << (dictBits / 2 + 11);
        int dict = (int) Math.max(LZMA2InputStream.DICT_SIZE_MIN, Math.min(declaredDict, Math.max(outSize, 1)));
        for (int i = data + (int) compressedSize; i < checkAt; i++) {
            if (d[i] != 0) { // block padding
                return null;
            }
        }
        byte[] out = new byte[(int) outSize];
        ByteArrayInputStream block = new ByteArrayInputStream(d, data, (int) compressedSize);
        try (InputStream in = new LZMA2InputStream(block, dict)) {
            // All of the output, then the end marker as the block's last byte.
            if (in.readNBytes(out, 0, out.length) != out.length || in.read() != -1 || block.available() != 0) {
                return null;
            }
        }
        return checkMatches(check, out, checkAt) ? out : null;
    }

    private boolean checkMatches(int check, byte[] out, int at) {
        return switch (check) {
            case CHECK_CRC32 -> {
                CRC32 c = new CRC32();
                c.update(out);
                yield c.getValue() == u32(at);
            }
            case CHECK_CRC64 -> {
                CRC64 c = new CRC64();
                c.update(out, 0, out.length);
                yield Arrays.equals(c.finish(), 0, 8, d, at, at + 8);
            }
            default -> true;
        };
    }

    private boolean hasXzMagic() {
        byte[] magic = new byte[6];
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, 0, magic, 0, magic.length);
        return Compression.detect(magic) == Compression.XZ;
    }

    /** The CRC32 of {@code [from, from + length)} equals the little-endian word at {@code at}. */
    private boolean crc32Matches(int from, int length, int at) {
        CRC32 c = new CRC32();
        c.update(s.asSlice(from, length).asByteBuffer());
        return c.getValue() == u32(at);
    }

    private long u32(int at) {
        return (b(at) & 0xffL) | (b(at + 1) & 0xffL) << 8 | (b(at + 2) & 0xffL) << 16 | (b(at + 3) & 0xffL) << 24;
    }

    /** A variable-length integer: 7 bits a byte, low first, at most 9 bytes. */
    private long vli() {
        long v = 0;
        for (int i = 0; i < 9; i++) {
            int x = b(pos++) & 0xff;
            v |= (long) (x & 0x7f) << (7 * i);
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalStateException("xz integer longer than 9 bytes");
    }
}
