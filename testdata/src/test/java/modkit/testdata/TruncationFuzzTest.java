package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import modkit.elf.ModkitException;
import modkit.elf.ObjectFile;
import modkit.insmod.Insmod;
import modkit.insmod.LinkOptions;
import modkit.kernel.MemoryKernel;
import modkit.kernel.ProfileFile;
import org.junit.jupiter.api.Test;

/** Hostile input never crashes the linker: every truncation and byte flip is a ModkitException or a clean link. */
class TruncationFuzzTest {
    @Test
    void truncatedAndFlippedModulesFailCleanly() throws Exception {
        byte[] good = Files.readAllBytes(TestPaths.testdata().resolve("objects/x86_64/mk_params.ko"));
        var profile = ProfileFile.embeddedDefault();
        int refused = 0;
        Random rnd = new Random(42);
        for (int round = 0; round < 600; round++) {
            byte[] bad = round < 300
                    ? Arrays.copyOf(good, round * good.length / 300)
                    : flip(good, rnd);
            try (MemoryKernel k = new MemoryKernel(profile)) {
                Insmod.load(ObjectFile.parse("fuzz-" + round + ".ko", bad), k, LinkOptions.DEFAULT, true);
            } catch (ModkitException e) {
                assertTrue(e.getMessage().startsWith("fuzz-" + round + ".ko"), e.getMessage());
                assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
                refused++;
            }
        }
        assertTrue(refused >= 300, "every truncation must be refused, refused " + refused);
    }

    private static byte[] flip(byte[] good, Random rnd) {
        byte[] b = good.clone();
        for (int i = 0; i < 4; i++) {
            b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
        }
        // Hit the ELF and section headers more often than chance would.
        b[rnd.nextInt(64)] ^= (byte) (1 << rnd.nextInt(8));
        return b;
    }
}
