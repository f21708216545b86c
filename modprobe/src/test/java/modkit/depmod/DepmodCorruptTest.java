package modkit.depmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged module files among good ones: depmod reads all the good ones, writes every index for them, names each
 * bad file once with its reason, and exits 1.
 */
class DepmodCorruptTest {
    static final String V = SyntheticTree.VERSION;

    @TempDir
    Path tmp;

    /** Bad file (relative to the module directory) and a word its error line must contain. */
    static Map<String, String> damage(Path dir) throws IOException {
        byte[] good = new SyntheticModule().export("bad_fn", 1).info("license", "GPL").bytes();
        SyntheticTree.writeFile(dir.resolve("kernel/bad/truncated.ko"), Arrays.copyOf(good, 200));
        SyntheticTree.writeFile(dir.resolve("kernel/bad/empty.ko"), new byte[0]);
        byte[] magic = good.clone();
        magic[1] = 'X';
        SyntheticTree.writeFile(dir.resolve("kernel/bad/badmagic.ko"), magic);
        byte[] cls = good.clone();
        cls[4] = 9;
        SyntheticTree.writeFile(dir.resolve("kernel/bad/badclass.ko"), cls);
        byte[] past = good.clone();
        ByteBuffer b = ByteBuffer.wrap(past).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(0x28);
        b.putLong((int) shoff + 64 + 24, 0x7fff0000L); // section 1 (.modinfo): sh_offset far past the end
        SyntheticTree.writeFile(dir.resolve("kernel/bad/secpastend.ko"), past);
        byte[] shoffPast = good.clone();
        ByteBuffer.wrap(shoffPast).order(ByteOrder.LITTLE_ENDIAN).putLong(0x28, good.length + 100);
        SyntheticTree.writeFile(dir.resolve("kernel/bad/shoffpastend.ko"), shoffPast);
        byte[] xz = SyntheticTree.xz(good);
        SyntheticTree.writeFile(dir.resolve("kernel/bad/cutxz.ko.xz"), Arrays.copyOf(xz, xz.length / 2));
        return Map.of("kernel/bad/truncated.ko", "past the end", "kernel/bad/empty.ko", "too short",
                "kernel/bad/badmagic.ko", "not an ELF file", "kernel/bad/badclass.ko", "EI_CLASS",
                "kernel/bad/secpastend.ko", "section 1 runs past the end", "kernel/bad/shoffpastend.ko",
                "section headers run past the end", "kernel/bad/cutxz.ko.xz", "cannot decompress xz");
    }

    @Test
    void badFilesAreNamedOnceAndTheGoodOnesIndexed() throws IOException {
        Path root = tmp.resolve("t");
        Path dir = SyntheticTree.write(root, 60, 11, true);
        Map<String, String> bad = damage(dir);
        Kmod.Run r = Ours.depmod("-b", root.toString(), V);
        assertEquals(1, r.exit());
        List<String> lines = r.stderr().lines().toList();
        assertEquals(bad.size(), lines.size(), r.stderr());
        for (Map.Entry<String, String> e : bad.entrySet()) {
            List<String> about = lines.stream().filter(l -> l.contains(dir.resolve(e.getKey()).toString())).toList();
            assertEquals(1, about.size(), e.getKey() + " in:\n" + r.stderr());
            assertTrue(about.get(0).startsWith("depmod: ERROR: "), about.get(0));
            assertTrue(about.get(0).contains(e.getValue()), about.get(0));
        }
        for (String f : DepmodOutput.FILES) {
            assertTrue(Files.exists(dir.resolve(f)), f);
        }
        List<String> dep = Files.readAllLines(dir.resolve("modules.dep"));
        assertEquals(60, dep.size());
        assertTrue(dep.stream().noneMatch(l -> l.contains("kernel/bad/")), String.join("\n", dep));
        if (Files.isExecutable(Kmod.KMOD)) { // the good modules' indexes are what kmod writes without the bad files
            Path clean = tmp.resolve("clean");
            SyntheticTree.write(clean, 60, 11, true);
            Kmod.Run k = Kmod.run("depmod", List.of("-C", Kmod.emptyConfig().toString(), "-b", clean.toString(), V));
            assertEquals(0, k.exit(), k.stderr());
            for (String f : Trees.KMOD30_FILES) {
                assertEquals(Files.readString(clean.resolve("lib/modules/" + V + "/" + f), java.nio.charset.StandardCharsets.ISO_8859_1),
                        Files.readString(dir.resolve(f), java.nio.charset.StandardCharsets.ISO_8859_1), f);
            }
        }
    }
}
