package modkit.testdata.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import modkit.testdata.TestPaths;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** The fuzzers' starting inputs: the corpus' modules and index files, testdata's objects and configuration. */
final class Seeds {
    private Seeds() {}

    static Path corpus() {
        String env = System.getenv("MODKIT_CORPUS");
        String prop = System.getProperty("modkit.corpus");
        return (env != null && !env.isEmpty() ? Path.of(env) : prop != null ? Path.of(prop)
                : TestPaths.project().resolve("../shared/corpus")).toAbsolutePath().normalize();
    }

    /** Up to {@code perArch} modules of each corpus arch (the smallest first: mutations stay cheap), and testdata's. */
    static List<Path> modules(int perArch, long maxBytes) {
        List<Path> out = new ArrayList<>();
        for (String arch : List.of("amd64-6.1", "i386-6.1", "m68k-6.1", "ia64-6.1")) {
            out.addAll(files(corpus().resolve(arch).resolve("kernel"), ".ko", maxBytes).stream().limit(perArch).toList());
        }
        out.addAll(files(TestPaths.testdata().resolve("objects"), ".ko", maxBytes));
        out.addAll(files(TestPaths.testdata().resolve("objects"), ".o", maxBytes));
        return out;
    }

    /** Files under {@code dir} whose names end in {@code suffix}, smallest first. */
    static List<Path> files(Path dir, String suffix, long maxBytes) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p))
                    .filter(p -> size(p) <= maxBytes)
                    .sorted(java.util.Comparator.comparingLong(Seeds::size).thenComparing(Path::toString)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<byte[]> read(List<Path> paths) {
        return paths.stream().map(Seeds::read).toList();
    }

    static byte[] gzip(byte[] b) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(out)) {
                z.write(b);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** xz as kmod's modules are made: CRC32 check (the kernel's decompressor knows no other). */
    static byte[] xz(byte[] b) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (XZOutputStream z = new XZOutputStream(out, xzOptions(), org.tukaani.xz.XZ.CHECK_CRC32)) {
                z.write(b);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A 256 KiB dictionary: modules are small, and each decompression allocates the whole dictionary. */
    private static LZMA2Options xzOptions() throws java.io.IOException {
        LZMA2Options o = new LZMA2Options();
        o.setDictSize(256 << 10);
        return o;
    }

    static byte[] zstd(byte[] b) {
        io.airlift.compress.zstd.ZstdCompressor c = new io.airlift.compress.zstd.ZstdCompressor();
        byte[] out = new byte[c.maxCompressedLength(b.length)];
        int n = c.compress(b, 0, b.length, out, 0, out.length);
        return java.util.Arrays.copyOf(out, n);
    }
}
