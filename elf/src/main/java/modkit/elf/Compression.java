package modkit.elf;

import io.airlift.compress.zstd.ZstdDecompressor;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.XZInputStream;

/**
 * Compressed module formats, detected by their magic bytes as kmod does: the file name is a hint that may lie.
 * The signature of a compressed module is inside the compressed payload, so decompression comes first.
 */
public enum Compression {
    NONE(new byte[0]),
    GZIP(new byte[] {0x1f, (byte) 0x8b}),
    XZ(new byte[] {(byte) 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00}),
    ZSTD(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd});

    private final byte[] magic;

    Compression(byte[] magic) {
        this.magic = magic;
    }

    public static Compression detect(byte[] data) {
        return detect(data, data.length);
    }

    /** Like {@link #detect(byte[])} for the first {@code length} bytes of {@code data}. */
    public static Compression detect(byte[] data, int length) {
        for (Compression c : values()) {
            if (c != NONE && startsWith(data, length, c.magic)) {
                return c;
            }
        }
        return NONE;
    }

    private static boolean startsWith(byte[] data, int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Returns the decompressed bytes; {@code file} only names the input in the error message. */
    public byte[] decompress(String file, byte[] data) {
        if (this == NONE) {
            return data;
        }
        byte[] whole = switch (this) {
            case ZSTD -> zstdOneShot(data);
            case XZ -> XzSingleBlock.decode(data);
            default -> null;
        };
        if (whole != null) {
            return whole;
        }
        try (InputStream in = open(new ByteArrayInputStream(data))) {
            return in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            throw new ModkitException(
                    file + ": cannot decompress " + name().toLowerCase() + " data: " + reason(e),
                    "the file is damaged or truncated; reinstall it or decompress it by hand to see more");
        }
    }

    /**
     * One decoder per thread, reused from file to file: a new one allocates its entropy tables (about 150 KB),
     * which was most of what a compressed module cost a tree scan.
     */
    private static final ThreadLocal<ZstdDecompressor> ZSTD_DECOMPRESSOR = ThreadLocal.withInitial(ZstdDecompressor::new);

    /** Larger claimed sizes are left to the streaming decoder, which allocates only as data really comes. */
    private static final long ONE_SHOT_LIMIT = 256L << 20;

    /**
     * A zstd frame that states its content size (the zstd tool writes it) decoded in one call into an array of that
     * size: the streaming decoder allocates a window buffer per file, which was most of the cost of a compressed
     * module in a tree scan. Null when the size is not stated or the data does not decode to it; the streaming
     * decoder then runs and gives the error, if there is one.
     */
    private static byte[] zstdOneShot(byte[] data) {
        try {
            long size = ZstdDecompressor.getDecompressedSize(data, 0, data.length);
            if (size < 0 || size > ONE_SHOT_LIMIT) {
                return null;
            }
            byte[] out = new byte[(int) size];
            int n = ZSTD_DECOMPRESSOR.get().decompress(data, 0, data.length, out, 0, out.length);
            return n == size ? out : null;
        } catch (RuntimeException e) { // MalformedInputException or an index error on damaged input
            return null;
        }
    }

    /** Decoders throw EOFException without a message on a cut-off stream. */
    private static String reason(Exception e) {
        if (e instanceof java.io.EOFException && e.getMessage() == null) {
            return "unexpected end of data";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private InputStream open(InputStream raw) throws IOException {
        return switch (this) {
            case GZIP -> new GZIPInputStream(raw);
            // The LZMA2 dictionary (1 MiB or more per file) is reused from a cache: depmod decompresses thousands.
            case XZ -> new XZInputStream(raw, -1, true, BasicArrayCache.getInstance());
            case ZSTD -> new ZstdInputStream(raw);
            case NONE -> raw;
        };
    }
}
