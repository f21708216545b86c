package modkit.modprobe;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import modkit.depmod.Kmod;
import modkit.depmod.SyntheticModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import modkit.depmod.Ours;

/**
 * What {@code -d} and {@code --sysroot} root. kmod's {@code -d DIR} (modprobe.c: kmod_new(DIR/lib/modules/VER,
 * config from the host)) moves only the module directory; our {@code --sysroot} moves modprobe.d, /proc/cmdline
 * and modules.dep's absolute (external) paths too. Plus the modprobe options around it: {@code --softdep-compat}
 * and {@code --show-exports NAME}.
 */
class SysrootTest {
    static final String V = "4.4.4";

    @TempDir
    Path tmp;

    private Path tree() throws IOException {
        Path root = tmp.resolve("root");
        Path dir = Files.createDirectories(root.resolve("lib/modules/" + V + "/kernel"));
        Files.write(dir.resolve("m.ko"), new SyntheticModule().export("m_fn", 0x1234).export("m_other", 7)
                .info("license", "GPL").bytes());
        for (String n : List.of("a", "b", "c")) {
            Files.writeString(dir.resolve(n + ".ko"), "");
        }
        Files.createDirectories(root.resolve("lib/modules/external"));
        Files.writeString(root.resolve("lib/modules/external/ext.ko"), "");
        Files.writeString(root.resolve("lib/modules/" + V + "/modules.dep"),
                "kernel/m.ko:\nkernel/a.ko:\nkernel/b.ko:\nkernel/c.ko:\n/lib/modules/external/ext.ko:\n");
        Files.createDirectories(root.resolve("etc/modprobe.d"));
        Files.writeString(root.resolve("etc/modprobe.d/x.conf"), "options m from=conf\nsoftdep m pre: a\nsoftdep m pre: b\n");
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/cmdline"), "m.from=cmdline\n");
        return root;
    }

    @Test
    void sysrootRootsConfigCmdlineAndExternalPaths() throws IOException {
        Path root = tree();
        Kmod.Run o = Ours.modprobe(UTF_8, "--sysroot", root.toString(), "-S", V, "--show-depends", "m");
        String dir = root + "/lib/modules/" + V;
        assertEquals("insmod " + dir + "/kernel/a.ko \ninsmod " + dir + "/kernel/b.ko \ninsmod " + dir
                + "/kernel/m.ko from=conf from=cmdline \n", o.out(), o.stderr());
        o = Ours.modprobe(UTF_8, "--sysroot", root.toString(), "-S", V, "--show-depends", "ext");
        assertEquals("insmod " + root + "/lib/modules/external/ext.ko \n", o.out(), o.stderr());
    }

    @Test
    void theLinuxBackendReadsTheReleaseUnderTheSysroot() throws IOException {
        Path root = tree();
        Files.createDirectories(root.resolve("proc/sys/kernel"));
        Files.writeString(root.resolve("proc/sys/kernel/osrelease"), V + "\n");
        // No -S: the release is the kernel's, read from SYSROOT/proc, not this machine's.
        Kmod.Run o = Ours.modprobe(UTF_8, "--backend", "linux", "--sysroot", root.toString(), "--show-depends", "m");
        assertEquals("insmod " + root + "/lib/modules/" + V + "/kernel/a.ko \ninsmod " + root + "/lib/modules/" + V
                + "/kernel/b.ko \ninsmod " + root + "/lib/modules/" + V + "/kernel/m.ko from=conf from=cmdline \n",
                o.out(), o.stderr());
    }

    @Test
    void dirnameRootsTheModuleDirectoryOnly() throws IOException {
        Path root = tree();
        Kmod.Run o = Ours.modprobe(UTF_8, "-C", "/dev/null", "-d", root.toString(), "-S", V, "--show-depends", "m");
        assertTrue(o.out().startsWith("insmod " + root + "/lib/modules/" + V + "/kernel/m.ko"), o.out());
        assertTrue(!o.out().contains("from="), "neither ROOT/etc/modprobe.d nor ROOT/proc/cmdline is read: " + o.out());
        o = Ours.modprobe(UTF_8, "-d", root.toString(), "-S", V, "--show-depends", "m");
        assertTrue(!o.out().contains("from="), "nor ROOT/etc/modprobe.d without -C: " + o.out());
    }

    @Test
    void softdepCompatKmodUsesTheFirstLine() throws IOException {
        Path root = tree();
        Kmod.Run o = Ours.modprobe(UTF_8, "--sysroot", root.toString(), "-S", V, "--softdep-compat=kmod", "--show-depends", "m");
        String dir = root + "/lib/modules/" + V;
        assertEquals("insmod " + dir + "/kernel/a.ko \ninsmod " + dir + "/kernel/m.ko from=conf from=cmdline \n", o.out(),
                o.stderr());
        o = Ours.modprobe(UTF_8, "--sysroot", root.toString(), "-S", V, "--softdep-compat=first", "--show-depends", "m");
        assertEquals(2, o.exit(), o.stderr());
    }

    @Test
    void showExportsTakesANameToo() throws IOException {
        Path root = tree();
        String file = root + "/lib/modules/" + V + "/kernel/m.ko";
        Kmod.Run byFile = Ours.modprobe(UTF_8, "--show-exports", file);
        assertEquals("0x00001234\tm_fn\n0x00000007\tm_other\n", byFile.out(), byFile.stderr());
        Kmod.Run byName = Ours.modprobe(UTF_8, "--sysroot", root.toString(), "-S", V, "--show-exports", "m");
        assertEquals(byFile.out(), byName.out(), byName.stderr());
        if (Files.isExecutable(Kmod.KMOD)) {
            assertEquals(Kmod.run("modprobe", List.of("--show-exports", file)).out(), byFile.out());
        }
    }
}
