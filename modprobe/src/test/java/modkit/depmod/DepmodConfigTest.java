package modkit.depmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** depmod.d (search, override, exclude, external) and -A, against kmod where kmod can take part. */
class DepmodConfigTest {
    static final String V = SyntheticTree.VERSION;

    @TempDir
    Path tmp;

    private static byte[] module(String export) {
        return new SyntheticModule().export(export, 1).info("license", "GPL").info("alias", "syn:" + export).bytes();
    }

    /** The same module names in several directories, so that only the configuration decides which file wins. */
    private static Path tree(Path root) {
        Path dir = root.resolve("lib/modules/" + V);
        SyntheticTree.writeFile(dir.resolve("kernel/drivers/x.ko"), module("x_kernel"));
        SyntheticTree.writeFile(dir.resolve("updates/x.ko"), module("x_updates"));
        SyntheticTree.writeFile(dir.resolve("kernel/drivers/y.ko"), module("y_kernel"));
        SyntheticTree.writeFile(dir.resolve("extra/y.ko"), module("y_extra"));
        SyntheticTree.writeFile(dir.resolve("updates/z.ko"), module("z_updates"));
        SyntheticTree.writeFile(dir.resolve("extra/z.ko"), module("z_extra"));
        SyntheticTree.writeFile(dir.resolve("kernel/a/w.ko"), module("w_a"));
        SyntheticTree.writeFile(dir.resolve("kernel/b/w.ko"), module("w_b"));
        SyntheticTree.writeFile(dir.resolve("kernel/skipme/s.ko"), module("s"));
        SyntheticTree.writeFile(dir.resolve("build/junk.ko"), module("junk"));
        SyntheticTree.writeFile(dir.resolve("user/u.ko"), new SyntheticModule().need("x_updates", 1L).need("w_b", 1L)
                .need("z_updates", 1L).need("y_extra", 1L).info("license", "GPL").bytes());
        return dir;
    }

    @Test
    void searchOverrideAndExcludeChooseTheFilesKmodChooses() throws IOException {
        Path cfg = tmp.resolve("depmod.d");
        Files.createDirectories(cfg);
        Files.writeString(cfg.resolve("00-search.conf"), "# priorities\nsearch updates extra built-in\n");
        Files.writeString(cfg.resolve("10-override.conf"), "override w * kernel/b\noverride x 0\\.0.* kernel/drivers\n");
        Files.writeString(cfg.resolve("20-exclude.conf"), "exclude skipme\n");
        Path ours = tmp.resolve("ours");
        Path dir = tree(ours);
        Kmod.Run o = Ours.depmod("-C", cfg.toString(), "-b", ours.toString(), V);
        assertEquals(0, o.exit(), o.stderr());
        String dep = Files.readString(dir.resolve("modules.dep"));
        assertTrue(dep.contains("updates/x.ko:"), dep); // the override's version pattern does not match
        assertTrue(dep.contains("extra/y.ko:"), dep);
        assertTrue(dep.contains("updates/z.ko:"), dep);
        assertTrue(dep.contains("kernel/b/w.ko:"), dep);
        assertFalse(dep.contains("skipme") || dep.contains("junk") || dep.contains("kernel/a/w.ko"), dep);
        if (Files.isExecutable(Kmod.KMOD)) {
            Path theirs = tmp.resolve("kmod");
            Path kdir = tree(theirs);
            Kmod.Run k = Kmod.run("depmod", List.of("-C", cfg.toString(), "-b", theirs.toString(), V));
            assertEquals(0, k.exit(), k.stderr());
            for (String f : List.of("modules.dep", "modules.alias", "modules.symbols")) {
                assertEquals(Files.readString(kdir.resolve(f)), Files.readString(dir.resolve(f)), f);
            }
        }
    }

    /** --sysroot roots depmod.d and the external directories too (kmod's -b roots neither: see the next test). */
    @Test
    void externalDirectoriesAreScannedUnderTheSysroot() throws IOException {
        Path root = tmp.resolve("r");
        Path dir = root.resolve("lib/modules/" + V);
        SyntheticTree.writeFile(dir.resolve("kernel/base.ko"), module("base_fn"));
        SyntheticTree.writeFile(root.resolve("opt/vendor/mods/vend.ko"), new SyntheticModule().need("base_fn", 1L).bytes());
        SyntheticTree.writeFile(root.resolve("etc/depmod.d/ext.conf"),
                "search external built-in\nexternal 6\\.1 /opt/vendor/mods\nexternal 5\\.4 /opt/other\nbogus line\n"
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Kmod.Run o = Ours.depmod("--sysroot", root.toString(), V);
        assertEquals(0, o.exit());
        assertEquals("depmod: ERROR: " + root.resolve("etc/depmod.d/ext.conf") + ":4: ignoring bad line starting with 'bogus'\n"
                + "depmod: WARNING: could not open modules.order at " + dir + ": No such file or directory\n"
                + "depmod: WARNING: could not open modules.builtin at " + dir + ": No such file or directory\n"
                + "depmod: WARNING: could not open modules.builtin.modinfo at " + dir + ": No such file or directory\n",
                o.stderr());
        String dep = Files.readString(dir.resolve("modules.dep"));
        // named as the system inside the root sees it, as kmod run there writes it (kmod testsuite:
        // test-depmod/search-order-external-first's correct-modules.dep has /lib/modules/external/mod-simple.ko)
        assertTrue(dep.contains("/opt/vendor/mods/vend.ko: kernel/base.ko\n"), dep);
        assertTrue(!dep.contains(root.toString()), dep);
    }

    /**
     * kmod's -b roots the module directory only: depmod.d comes from the host (depmod.c: cfg_load reads
     * default_cfg_paths as they are), so a depmod.d inside the -b tree is not read.
     */
    @Test
    void basedirDoesNotRootDepmodD() throws IOException {
        Path root = tmp.resolve("b");
        Path dir = root.resolve("lib/modules/" + V);
        SyntheticTree.writeFile(dir.resolve("kernel/base.ko"), module("base_fn"));
        SyntheticTree.writeFile(dir.resolve("modules.order"), SyntheticTree.lines(List.of("kernel/base.ko")));
        SyntheticTree.writeFile(root.resolve("etc/depmod.d/x.conf"), SyntheticTree.lines(List.of("bogus line")));
        Kmod.Run o = Ours.depmod("-b", root.toString(), V);
        assertEquals(0, o.exit());
        assertTrue(!o.stderr().contains("bogus"), o.stderr());
        o = Ours.depmod("--sysroot", root.toString(), V);
        assertTrue(o.stderr().contains("ignoring bad line starting with 'bogus'"), o.stderr());
    }

    /**
     * kmod 34's -m/--moduledir (modules under ROOT/DIR/VERSION, leading slashes dropped) and -o/--outdir (the index
     * files written under OUTDIR/DIR/VERSION, made if missing): depmod.c main(). The files must be those a plain
     * run writes in place.
     */
    @Test
    void moduledirAndOutdirAsKmod34() throws IOException {
        Path plain = tmp.resolve("plain");
        Path dir = SyntheticTree.write(plain, 30, 9, false);
        assertEquals(0, Ours.depmod("-b", plain.toString(), V).exit());
        Path moved = tmp.resolve("moved");
        Trees.copy(plain.resolve("lib/modules"), moved.resolve("usr/lib/modules"));
        Path out = tmp.resolve("out");
        Kmod.Run o = Ours.depmod("-b", moved.toString(), "-m", "/usr/lib/modules", "-o", out.toString(), V);
        assertEquals(0, o.exit(), o.stderr());
        for (String f : DepmodOutput.FILES) {
            assertEquals(Files.readString(dir.resolve(f), java.nio.charset.StandardCharsets.ISO_8859_1),
                    Files.readString(out.resolve("usr/lib/modules/" + V + "/" + f), java.nio.charset.StandardCharsets.ISO_8859_1), f);
        }
        o = Ours.depmod("--basedir=" + moved, "--moduledir=usr/lib/modules", V);
        assertEquals(0, o.exit(), o.stderr());
        assertEquals(Files.readString(dir.resolve("modules.dep")), Files.readString(moved.resolve("usr/lib/modules/" + V + "/modules.dep")));
    }

    /** h-fuzz's depmod-d-nul-in-path.conf: a NUL ends the line, as for kmod's C strings (was exit 70). */
    @Test
    void aNulByteEndsTheLine() throws IOException {
        Path root = tmp.resolve("nul");
        Path dir = root.resolve("lib/modules/" + V);
        SyntheticTree.writeFile(dir.resolve("kernel/base.ko"), module("base_fn"));
        Path conf = tmp.resolve("nul.conf");
        Files.write(conf, "external 6 /opt/a\0b\nsearch updates\0x\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Kmod.Run o = Ours.depmod("-C", conf.toString(), "-b", root.toString(), V);
        assertEquals(0, o.exit(), o.stderr());
        assertTrue(Files.readString(dir.resolve("modules.dep")).contains("kernel/base.ko:"));
    }

    @Test
    void quickModeDoesNothingWhenNoModuleIsNewer() throws IOException {
        Path root = tmp.resolve("q");
        Path dir = SyntheticTree.write(root, 20, 1, false);
        assertEquals(0, Ours.depmod("-b", root.toString(), V).exit());
        Files.writeString(dir.resolve("modules.alias"), "sentinel\n");
        FileTime depTime = Files.getLastModifiedTime(dir.resolve("modules.dep"));
        assertEquals(0, Ours.depmod("-A", "-b", root.toString(), V).exit());
        assertEquals("sentinel\n", Files.readString(dir.resolve("modules.alias")));
        Path m = dir.resolve("kernel/drivers/grp4/syn_00004.ko");
        Files.setLastModifiedTime(m, FileTime.fromMillis(depTime.toMillis() + 10_000));
        assertEquals(0, Ours.depmod("-A", "-b", root.toString(), V).exit());
        assertTrue(Files.readString(dir.resolve("modules.alias")).startsWith("# Aliases extracted"));
    }
}
