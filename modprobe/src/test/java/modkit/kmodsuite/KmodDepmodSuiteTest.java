package modkit.kmodsuite;

import static modkit.kmodsuite.KmodSuite.assertKmodOutput;
import static modkit.kmodsuite.KmodSuite.assertSameFile;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import modkit.depmod.Kmod;
import modkit.depmod.Ours;

/**
 * kmod v34.2 testsuite/test-depmod.c, case by case (same names). kmod runs {@code depmod} with its fake
 * {@code uname -r} = 4.4.4 and every path redirected into the tree; we pass the tree as {@code --sysroot} and 4.4.4
 * as the version, then compare the files kmod compares.
 */
class KmodDepmodSuiteTest {
    private static final String UNAME = "4.4.4";

    @TempDir
    Path tmp;

    /** kmod's tree {@code test-depmod/NAME} in a temporary directory, depmod run over it; the module directory. */
    private Path depmod(String name, String... extra) throws IOException {
        Path root = KmodSuite.tree("test-depmod/" + name, tmp.resolve("root"));
        String[] args = new String[extra.length + 3];
        args[0] = "--sysroot";
        args[1] = root.toString();
        System.arraycopy(extra, 0, args, 2, extra.length);
        args[args.length - 1] = UNAME;
        Kmod.Run r = Ours.depmod(args);
        assertEquals(0, r.exit(), r.stderr());
        return root.resolve("lib/modules/" + UNAME);
    }

    @Test
    void depmod_modules_order_for_compressed() throws IOException {
        // aliases of .ko.gz, .ko.xz and .ko.zst modules in modules.order's order
        Path dir = depmod("modules-order-compressed");
        assertSameFile(dir.resolve("correct-modules.alias"), dir.resolve("modules.alias"));
    }

    @Test
    void depmod_search_order_simple() throws IOException {
        Path dir = depmod("search-order-simple");
        assertSameFile(dir.resolve("correct-modules.dep"), dir.resolve("modules.dep"));
    }

    @Test
    void depmod_search_order_same_prefix() throws IOException {
        Path dir = depmod("search-order-same-prefix");
        assertSameFile(dir.resolve("correct-modules.dep"), dir.resolve("modules.dep"));
    }

    @Test
    void depmod_search_order_external_first() throws IOException {
        // depmod.d: "external 4\.4\..* /lib/modules/external" and "search external foobar foo built-in".
        // --sysroot roots the external directory too, as kmod's path redirection does, but names its module by its
        // real path (findings-modprobe.md 13): the tree's prefix is dropped before comparing with kmod's
        // /lib/modules/external/mod-simple.ko.
        Path dir = depmod("search-order-external-first");
        String root = tmp.resolve("root").toString();
        assertEquals(KmodSuite.read(dir.resolve("correct-modules.dep")),
                KmodSuite.read(dir.resolve("modules.dep")).replace(root + "/lib/modules/external/", "/lib/modules/external/"));
    }

    @Test
    void depmod_search_order_external_last() throws IOException {
        Path dir = depmod("search-order-external-last");
        assertSameFile(dir.resolve("correct-modules.dep"), dir.resolve("modules.dep"));
    }

    @Test
    void depmod_search_order_override() throws IOException {
        Path dir = depmod("search-order-override");
        assertSameFile(dir.resolve("correct-modules.dep"), dir.resolve("modules.dep"));
    }

    @Test
    void depmod_detect_loop() throws IOException {
        // expected_fail: depmod exits non-zero and its stderr is kmod's list of cycles
        Path root = KmodSuite.tree("test-depmod/detect-loop", tmp.resolve("root"));
        Kmod.Run r = Ours.depmod("--sysroot", root.toString(), UNAME);
        assertEquals(1, r.exit(), r.stderr());
        assertKmodOutput(root.resolve("correct.txt"), r.stderr());
    }

    @Test
    void depmod_modules_outdir() throws IOException {
        // kmod passes --outdir /outdir/ inside its rootfs; ours takes the option's path as given
        Path root = tmp.resolve("root");
        depmod("modules-outdir", "--outdir", root.resolve("outdir").toString());
        Path out = root.resolve("outdir/lib/modules/" + UNAME);
        assertSameFile(root.resolve("correct-modules.dep"), out.resolve("modules.dep"));
        assertSameFile(root.resolve("correct-modules.alias"), out.resolve("modules.alias"));
    }

    @Test
    void depmod_another_moddir() throws IOException {
        depmod("another-moddir", "-m", "/foobar");
        Path root = tmp.resolve("root");
        assertSameFile(root.resolve("correct-modules.dep"), root.resolve("foobar/" + UNAME + "/modules.dep"));
    }

    @Test
    void depmod_another_moddir_relative() throws IOException {
        depmod("another-moddir", "-m", "foobar2");
        Path root = tmp.resolve("root");
        assertSameFile(root.resolve("correct-modules.dep"), root.resolve("foobar2/" + UNAME + "/modules.dep"));
    }

    @Test
    void depmod_check_weakdep() throws IOException {
        Path dir = depmod("check-weakdep");
        assertSameFile(dir.resolve("correct-modules.weakdep"), dir.resolve("modules.weakdep"));
    }
}
