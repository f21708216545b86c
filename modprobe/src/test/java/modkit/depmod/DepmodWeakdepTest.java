package modkit.depmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import modkit.moddir.ConfigParser;
import modkit.moddir.ModprobeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kmod 34's modules.weakdep (depmod.c: output_weakdeps, written after modules.softdep from the modules' "weakdep"
 * .modinfo values, one "weakdep MODULE VALUE" line per value in module order under a header line), and modprobe
 * reading it as a configuration file as libkmod-config.c does (conf_files_insert_sorted of modules.weakdep).
 * kmod 30 has no weakdeps, so the format is kmod 34's source.
 */
class DepmodWeakdepTest {
    static final String V = SyntheticTree.VERSION;

    @TempDir
    Path tmp;

    @Test
    void weakdepValuesGoToModulesWeakdepAndModprobeReadsThem() throws IOException {
        Path root = tmp.resolve("w");
        Path dir = root.resolve("lib/modules/" + V);
        SyntheticTree.writeFile(dir.resolve("kernel/first.ko"), new SyntheticModule().info("license", "GPL")
                .info("weakdep", "helper_a").info("softdep", "pre: s").info("weakdep", "helper_b").bytes());
        SyntheticTree.writeFile(dir.resolve("kernel/second-one.ko"), new SyntheticModule().info("weakdep", "x y").bytes());
        SyntheticTree.writeFile(dir.resolve("kernel/none.ko"), new SyntheticModule().info("license", "GPL").bytes());
        SyntheticTree.writeFile(dir.resolve("modules.order"),
                SyntheticTree.lines(List.of("kernel/second-one.ko", "kernel/none.ko", "kernel/first.ko")));
        Kmod.Run o = Ours.depmod("-b", root.toString(), V);
        assertEquals(0, o.exit(), o.stderr());
        String expected = """
                # Weak dependencies extracted from modules themselves.
                weakdep second_one x y
                weakdep first helper_a
                weakdep first helper_b
                """;
        assertEquals(expected, Files.readString(dir.resolve("modules.weakdep")));
        Kmod.Run n = Ours.depmod("-n", "-b", root.toString(), V);
        String out = n.out();
        assertTrue(out.contains("softdep first pre: s\n" + expected + "# Aliases for symbols"), out);

        ModprobeConfig c = ConfigParser.load(List.of(), dir.resolve("modules.softdep").toString(), null);
        assertEquals(List.of(new ModprobeConfig.Weakdep("second_one", List.of("x", "y")),
                new ModprobeConfig.Weakdep("first", List.of("helper_a")),
                new ModprobeConfig.Weakdep("first", List.of("helper_b"))), c.weakdeps());
        assertEquals(List.of("s"), c.softdepsFor("first").pre());
        assertTrue(c.show().endsWith("weakdep second_one x y\nweakdep first helper_a\nweakdep first helper_b\n"), c.show());
    }
}
