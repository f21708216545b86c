package modkit.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * The quick .xz path decodes what the general reader decodes, byte for byte, for the files modules come in, and
 * declines (null: the general reader runs) everything else, damaged files included.
 */
class XzSingleBlockTest {
    private static byte[] module() throws IOException {
        Path p = Path.of(System.getProperty("user.dir")).resolve("../testdata/objects/x86_64/mk_params.ko");
        return Files.readAllBytes(p);
    }

    private static byte[] xz(byte[] in, LZMA2Options options, int check) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (XZOutputStream o = new XZOutputStream(bo, options, check)) {
            o.write(in);
        }
        return bo.toByteArray();
    }

    private static byte[] general(byte[] xz) throws IOException {
        return new XZInputStream(new ByteArrayInputStream(xz)).readAllBytes();
    }

    @Test
    void decodesSingleBlockFilesWithEachCheckModulesUse() throws IOException {
        byte[] plain = module();
        LZMA2Options kernel = new LZMA2Options(6);
        kernel.setDictSize(1 << 20); // scripts/Makefile.modinst: xz --check=crc32 --lzma2=dict=1MiB
        for (boolean liblzma : decoders()) {
            for (int check : new int[] {XZ.CHECK_CRC32, XZ.CHECK_CRC64, XZ.CHECK_NONE}) {
                byte[] xz = xz(plain, kernel, check);
                byte[] out = XzSingleBlock.decode(xz, liblzma);
                assertNotNull(out, "check " + check + ", liblzma " + liblzma);
                assertArrayEquals(general(xz), out);
                assertArrayEquals(plain, out);
            }
            byte[] empty = xz(new byte[0], new LZMA2Options(0), XZ.CHECK_CRC64);
            assertArrayEquals(new byte[0], XzSingleBlock.decode(empty, liblzma));
        }
    }

    /** Both decoders: the Java one, and liblzma, which .ci/run installs (Debian's kmod and xz need it anyway). */
    private static boolean[] decoders() {
        assertTrue(LibLzma.available(), "liblzma.so.5 is not loadable: install liblzma5");
        return new boolean[] {false, true};
    }

    @Test
    void aDamagedBlockIsLeftToTheGeneralReaderByBothDecoders() throws IOException {
        byte[] xz = xz(module(), new LZMA2Options(6), XZ.CHECK_CRC32);
        byte[] bad = xz.clone();
        bad[xz.length / 2] ^= 0x10; // inside the compressed data: the container's own checks still hold
        for (boolean liblzma : decoders()) {
            assertNotNull(XzSingleBlock.decode(xz, liblzma), "liblzma " + liblzma);
            assertNull(XzSingleBlock.decode(bad, liblzma), "liblzma " + liblzma);
        }
    }

    @Test
    void leavesOtherStreamsToTheGeneralReader() throws IOException {
        byte[] plain = module();
        byte[] one = xz(plain, new LZMA2Options(1), XZ.CHECK_CRC64);
        assertNull(XzSingleBlock.decode(xz(plain, new LZMA2Options(1), XZ.CHECK_SHA256)), "SHA-256 check");
        byte[] two = Arrays.copyOf(one, one.length * 2);
        System.arraycopy(one, 0, two, one.length, one.length);
        assertNull(XzSingleBlock.decode(two), "two concatenated streams");
        assertArrayEquals(plain, Arrays.copyOf(general(two), plain.length));
        assertNull(XzSingleBlock.decode(Arrays.copyOf(one, one.length + 4)), "stream padding");
    }

    @Test
    void declinesEveryDamagedOrTruncatedFile() throws IOException {
        byte[] one = xz(module(), new LZMA2Options(1), XZ.CHECK_CRC32);
        for (int at = 0; at < one.length; at++) {
            byte[] bad = one.clone();
            bad[at] ^= 0x20;
            byte[] out = XzSingleBlock.decode(bad);
            if (out != null) { // only where the general reader also accepts it, with the same bytes
                assertArrayEquals(general(bad), out, "flipped byte at " + at);
            }
        }
        for (int len : new int[] {0, 6, 12, 24, one.length / 2, one.length - 1}) {
            assertNull(XzSingleBlock.decode(Arrays.copyOf(one, len)), "cut to " + len);
        }
        byte[] cut = Arrays.copyOf(one, one.length - 1);
        assertThrows(ModkitException.class, () -> Compression.XZ.decompress("cut.ko.xz", cut));
    }

    @Test
    void decodesIntoNativeMemoryTheSameBytesAndDeclinesDamage() throws IOException {
        byte[] plain = module();
        byte[] xz = xz(plain, new LZMA2Options(6), XZ.CHECK_CRC32);
        try (NativePages image = decodeNative(xz)) {
            assertNotNull(image);
            assertArrayEquals(plain, image.segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
        byte[] bad = xz.clone();
        bad[xz.length / 2] ^= 0x10;
        assertNull(decodeNative(bad));
        assertNull(decodeNative(Arrays.copyOf(xz, xz.length - 1)));
        assertEquals(-1, XzSingleBlock.decodedSize(MemorySegment.ofArray(Arrays.copyOf(xz, xz.length - 1))));
    }

    /** A small .ko.xz (read whole into the thread's buffer) summarizes as its plain file, and a damaged one says so. */
    @Test
    void aSmallCompressedModuleSummarizesOrSaysItIsDamaged(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        Path plain = Path.of(System.getProperty("user.dir")).resolve("../testdata/objects/x86_64/mk_params.ko");
        byte[] xz = xz(module(), new LZMA2Options(6), XZ.CHECK_CRC32);
        Path packed = dir.resolve("mk_params.ko.xz");
        Files.write(packed, xz);
        ModuleSummary expected = ModuleSummary.read(plain);
        ModuleSummary actual = ModuleSummary.read(packed);
        assertEquals(java.util.List.copyOf(expected.needs()), java.util.List.copyOf(actual.needs()));
        assertEquals(expected.modinfo(), actual.modinfo());
        byte[] bad = xz.clone();
        bad[xz.length / 2] ^= 0x10;
        Files.write(packed, bad);
        ModkitException e = assertThrows(ModkitException.class, () -> ModuleSummary.read(packed));
        assertTrue(e.getMessage().startsWith(packed + ": cannot decompress xz data"), e.getMessage());
    }

    private static NativePages decodeNative(byte[] xz) {
        MemorySegment in = MemorySegment.ofArray(xz);
        return XzSingleBlock.decodeNative(in, XzSingleBlock.decodedSize(in));
    }

    /**
     * depmod's path for a .ko.xz (decoded outside the heap, its sections packed into a small array) summarizes a
     * large module as its plain file is summarized.
     */
    @Test
    void aCompressedModuleSummarizesAsItsPlainFile(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path corpus = Path.of(System.getProperty("user.dir")).resolve("../../shared/corpus/amd64-6.1");
        Path large;
        try (var s = Files.walk(corpus)) {
            large = s.filter(p -> p.toString().endsWith(".ko") && p.toFile().length() > (256 << 10)).findFirst()
                    .orElseThrow();
        }
        Path packed = dir.resolve("m.ko.xz");
        LZMA2Options kernel = new LZMA2Options(6);
        kernel.setDictSize(1 << 20);
        Files.write(packed, xz(Files.readAllBytes(large), kernel, XZ.CHECK_CRC32));
        ModuleSummary plain = ModuleSummary.read(large);
        assertSameSummary(plain, ModuleSummary.read(packed), large + " decoded whole");
        long was = ModuleSummary.streamAbove;
        ModuleSummary.streamAbove = 0; // stream it, as depmod streams the largest modules
        try {
            assertSameSummary(plain, ModuleSummary.read(packed), large + " streamed");
            byte[] bad = Files.readAllBytes(packed);
            bad[bad.length / 2] ^= 0x10;
            Files.write(packed, bad);
            ModkitException e = assertThrows(ModkitException.class, () -> ModuleSummary.read(packed));
            assertTrue(e.getMessage().startsWith(packed + ": cannot decompress xz data"), e.getMessage());
        } finally {
            ModuleSummary.streamAbove = was;
        }
    }

    /** A streamed image whose ELF is cut short is refused as the plain file is, naming the file. */
    @Test
    void aStreamedTruncatedModuleIsRefusedLikeThePlainOne(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        byte[] whole = module();
        for (int cut : new int[] {whole.length / 2, whole.length - 100, 200}) {
            Path plain = dir.resolve("cut" + cut + ".ko");
            Path packed = dir.resolve("cut" + cut + ".ko.xz");
            byte[] bytes = Arrays.copyOf(whole, cut);
            Files.write(plain, bytes);
            Files.write(packed, xz(bytes, new LZMA2Options(1), XZ.CHECK_CRC32));
            ModkitException expected = assertThrows(ModkitException.class, () -> ModuleSummary.read(plain));
            long was = ModuleSummary.streamAbove;
            ModuleSummary.streamAbove = 0;
            try {
                ModkitException streamed = assertThrows(ModkitException.class, () -> ModuleSummary.read(packed));
                assertEquals(expected.getMessage().replace(plain.toString(), packed.toString()), streamed.getMessage());
            } finally {
                ModuleSummary.streamAbove = was;
            }
        }
    }

    private static void assertSameSummary(ModuleSummary expected, ModuleSummary actual, String what) {
        assertEquals(java.util.List.copyOf(expected.exports()), java.util.List.copyOf(actual.exports()), what);
        assertEquals(java.util.List.copyOf(expected.needs()), java.util.List.copyOf(actual.needs()), what);
        assertEquals(expected.modinfo(), actual.modinfo(), what);
        assertTrue(actual.needs().size() > 10, what);
    }

    /** The streamed reader's passes: the kept head and tail, and a range between them read by another pass. */
    @Test
    void streamsRangesFromTheKeptEndsAndFromAnotherPass() throws IOException {
        byte[] plain = new byte[XzStreamSource.HEAD + XzStreamSource.TAIL + 300_000];
        new java.util.Random(7).nextBytes(plain);
        byte[] xz = xz(plain, new LZMA2Options(1), XZ.CHECK_CRC32);
        try (XzStreamSource s = XzStreamSource.open(MemorySegment.ofArray(xz), plain.length)) {
            assertNotNull(s);
            long[] offsets = {10, plain.length - 5000, XzStreamSource.HEAD + 1000, 200_000};
            int[] lengths = {100, 5000, 70_000, 1};
            byte[] into = new byte[lengths[0] + lengths[1] + lengths[2] + lengths[3]];
            int[] ats = {0, 100, 5100, 75_100};
            s.readAll(offsets, lengths, into, ats);
            for (int i = 0; i < offsets.length; i++) {
                assertArrayEquals(Arrays.copyOfRange(plain, (int) offsets[i], (int) offsets[i] + lengths[i]),
                        Arrays.copyOfRange(into, ats[i], ats[i] + lengths[i]), "range " + i);
            }
        }
        byte[] bad = xz.clone();
        bad[xz.length / 2] ^= 0x10;
        assertThrows(XzStreamSource.Damaged.class,
                () -> XzStreamSource.open(MemorySegment.ofArray(bad), plain.length));
    }
}
