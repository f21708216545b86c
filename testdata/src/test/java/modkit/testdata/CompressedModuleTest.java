package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import modkit.elf.ModkitException;
import modkit.elf.ObjectFile;
import modkit.insmod.Insmod;
import modkit.insmod.LinkOptions;
import modkit.insmod.LinkResult;
import modkit.kernel.ProfileFile;
import modkit.kernel.SimulatedKernel;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * mk_params.ko compressed by the real gzip, xz and zstd tools (testdata/build-objects.sh) links to the same image
 * as the plain file, also when the suffix lies; a cut-off stream is one error naming the file and the format.
 */
class CompressedModuleTest {
    @TempDir
    Path tmp;

    private byte[][] regions(Path file, String rootName) throws Exception {
        try (SimulatedKernel k = SimulatedKernel.boot(tmp.resolve(rootName), ProfileFile.embeddedDefault())) {
            LinkResult r = Insmod.load(ObjectFile.read(file), k, LinkOptions.DEFAULT, true);
            return r.image().regions().stream().map(reg -> reg.bytes()).toArray(byte[][]::new);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gz", "xz", "zst"})
    void compressedModuleLinksLikeThePlainOne(String ext) throws Exception {
        Path plain = TestPaths.testdata().resolve("objects/x86_64/mk_params.ko");
        Path packed = TestPaths.testdata().resolve("objects/x86_64/mk_params.ko." + ext);
        byte[][] want = regions(plain, "plain");
        assertTrue(want.length >= 2, "mk_params should have core and init regions");
        assertArrayEquals(want, regions(packed, "packed"));
        // Detected by magic, not by name.
        Path renamed = tmp.resolve("renamed.ko");
        Files.copy(packed, renamed);
        assertArrayEquals(want, regions(renamed, "renamed"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gz", "xz", "zst"})
    void truncatedStreamIsOneClearError(String ext) throws Exception {
        byte[] packed = Files.readAllBytes(TestPaths.testdata().resolve("objects/x86_64/mk_params.ko." + ext));
        Path cut = tmp.resolve("cut.ko." + ext);
        Files.write(cut, Arrays.copyOf(packed, packed.length / 2));
        ModkitException e = assertThrows(ModkitException.class, () -> ObjectFile.read(cut));
        String format = switch (ext) {
            case "gz" -> "gzip";
            case "zst" -> "zstd";
            default -> "xz";
        };
        assertEquals(cut + ": cannot decompress " + format + " data: ", e.getMessage().substring(0, (cut + ": cannot decompress " + format + " data: ").length()));
        assertEquals(1, e.getMessage().lines().count());
    }
}
