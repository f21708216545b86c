package modkit.kmodsuite;

import static modkit.kmodsuite.KmodSuite.assertSameFile;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kmod v34.2 testsuite/test-depmod.c, case by case (same names). kmod runs {@code depmod} with its fake
 * {@code uname -r} = 4.4.4 and every path redirected into the tree; we pass the tree as {@code -b}, its
 * {@code etc/depmod.d} as {@code -C} (kmod's -b does not move the configuration directories, its redirection
 * does) and 4.4.4 as the version, then compare the files kmod compares.
 */
class KmodDepmodSuiteTest {
    private static final String UNAME = "4.4.4";

    @TempDir
    Path tmp;

    /** kmod's tree {@code test-depmod/NAME} in a temporary directory, depmod run over it; the module directory. */
    private Path depmod(String name, String... extra) throws IOException {
        Path root = KmodSuite.tree("test-depmod/" + name, tmp.resolve("root"));
        Files.createDirectories(root.resolve("etc/depmod.d"));
        String[] args = new String[extra.length + 5];
        args[0] = "-b";
        args[1] = root.toString();
        args[2] = "-C";
        args[3] = root.resolve("etc/depmod.d").toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        args[args.length - 1] = UNAME;
        KmodSuite.Run r = KmodSuite.depmod(args);
        assertEquals(0, r.exit(), r.err());
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
        // Our -b roots the external directory too, as kmod's path redirection does, and names its module by its
        // real path (as kmod names any module outside the module directory): the tree's prefix is dropped before
        // comparing with kmod's /lib/modules/external/mod-simple.ko.
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
}
