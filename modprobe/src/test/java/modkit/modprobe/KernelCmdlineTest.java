package modkit.modprobe;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import modkit.depmod.Kmod;
import modkit.moddir.ConfigParser;
import modkit.moddir.KernelCmdline;
import modkit.moddir.ModprobeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import modkit.depmod.Ours;

/**
 * The kernel command line as libkmod reads it. kmod reads the real /proc/cmdline only, so no run of the installed
 * kmod can be pointed at a made-up one; the expectations are kmod's own testsuite cases
 * (testsuite/rootfs-pristine/test-modprobe/module-param-kcmdline{,2..9}: proc/cmdline and correct.txt, kmod 34),
 * whose correct.txt is what kmod's {@code modprobe -c} or {@code --show-depends} prints for that command line, and
 * for the cases the testsuite lacks, what libkmod-config.c's kmod_config_parse_kcmdline does by its source (named
 * in each case).
 */
class KernelCmdlineTest {
    @TempDir
    Path tmp;

    /** What {@code modprobe -c} prints of the command line: the blacklist section, then the options section. */
    private static String show(String cmdline) {
        return ConfigParser.parseCmdline(cmdline).show();
    }

    @Test
    void kmodTestsuiteCases() {
        // module-param-kcmdline2
        assertEquals("options psmouse foo\noptions psmouse bar=1\n", show("psmouse.foo psmouse.bar=1 quiet rw\n"));
        // module-param-kcmdline3
        assertEquals("options psmouse foo\noptions psmouse bar=1\n", show("BOOT_IMAGE=/boot/vmlinuz-3.12.12-57.g5f654cf-default "
                + "initrd=\\initramfs-linux.img psmouse.foo psmouse.bar=1 root=/dev/sda2 rootfstype=ext4 add_efi_memmap quiet rw\n"));
        // module-param-kcmdline4
        assertEquals("options testmodule testparam=1.5G\n", show("testmodule.testparam=1.5G\n"));
        // module-param-kcmdline5
        assertEquals("options psmouse foo\noptions psmouse bar=1\noptions psmouse foobar=\"test 1\"\n",
                show("psmouse.foo psmouse.bar=1 psmouse.foobar=\"test 1\" psmouse.\"invalid option\" \" notamodule\" "
                        + "\"noteamodule2 \" notamodule3 quiet rw\n"));
        // module-param-kcmdline6: ivrs_acpihid[14:00.5]=... splits at its dot into an ill-formed module name
        assertEquals("options psmouse foo=2\noptions psmouse bar=1\noptions psmouse zinga=test\n",
                show("psmouse.foo=2 ivrs_acpihid[14:00.5]=AMD0020:00 psmouse.bar=1 psmouse.zinga=test\n"));
        // module-param-kcmdline7
        assertEquals("options psmouse foo\noptions parport dyndbg=\"file drivers/parport/ieee1284_ops.c +mpf\"\n",
                show("psmouse.foo parport.dyndbg=\"file drivers/parport/ieee1284_ops.c +mpf\" quiet rw\n"));
        // module-param-kcmdline8: grub's quoting of the whole word is undone
        assertEquals("options psmouse foo\noptions parport dyndbg=\"file drivers/parport/ieee1284_ops.c +mpf\"\n",
                show("psmouse.foo \"parport.dyndbg=file drivers/parport/ieee1284_ops.c +mpf\" quiet rw\n"));
        // module-param-kcmdline9
        assertEquals("blacklist foo\nblacklist bar\nblacklist foo2\nblacklist bar2\nblacklist foobar\n",
                show("modprobe.blacklist=foo,bar modprobe.blacklist=foo2 quiet modprobe.blacklist=bar2 rw "
                        + "modprobe.blacklist=foobar\n"));
    }

    /** kcmdline_parse_result: underscores() refuses "ivrs_acpihid[14:00", with kmod's message (libkmod-config.c:489). */
    @Test
    void illFormedModuleNameIsReportedAsKmodReportsIt() {
        ModprobeConfig c = ConfigParser.parseCmdline("ivrs-acpihid[14:00.5]=AMD0020:00 a-b.c=1");
        assertEquals(List.of("libkmod: ERROR ../libkmod/libkmod-config.c:489 kcmdline_parse_result: Ignoring bad option on "
                + "kernel command line while parsing module name: 'ivrs_acpihid[14:00'"),
                c.warnings().stream().map(Object::toString).toList());
        assertEquals("c=1", c.optionsFor("a_b", null), "dashes in a module name are underscores");
    }

    /** By the state machine's source: what ends a word, and what makes one ignored. */
    @Test
    void wordsTheStateMachineIgnoresOrSplits() {
        // a second dot in the parameter before '=' makes the word ill-formed; after '=' it is part of the value
        assertEquals("options m v=1.2.3\n", show("m.p.q=1 m.v=1.2.3"));
        // '=' before any dot: not a module option
        assertEquals("", show("a=b.c"));
        // a quote in the module name or parameter, other than first: ignored
        assertEquals("", show("m\"x.p=1 m.p\"=1"));
        // tabs and newlines separate words like spaces; a word ends at the end of the buffer too
        assertEquals("options a x\noptions b y=2\n", show("a.x\tb.y=2"));
        // empty blacklist entries are kept (strsep)
        assertEquals("blacklist a\nblacklist \nblacklist b\n", show("modprobe.blacklist=a,,b"));
        // modprobe.other is an option of a module called modprobe
        assertEquals("options modprobe other=1\n", show("modprobe.other=1"));
        // only KCMD_LINE_SIZE - 1 bytes are read
        String filler = "x".repeat(KernelCmdline.KCMD_LINE_SIZE - 6);
        assertEquals("options ab c\n", show("ab.c " + filler + " d.efgh"));
    }

    /** module-param-kcmdline (--show-depends): "insmod PATH foo bar=1 " with kmod's trailing space, through --sysroot. */
    @Test
    void showDependsPrintsTheCommandLinesOptions() throws IOException {
        Path root = tmp.resolve("root");
        Path dir = Files.createDirectories(root.resolve("lib/modules/4.4.4/kernel"));
        Files.writeString(dir.resolve("mod-simple.ko"), "");
        Files.writeString(root.resolve("lib/modules/4.4.4/modules.dep"), "kernel/mod-simple.ko:\n");
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/cmdline"), "initrd=\\initramfs-linux.img mod_simple.foo mod_simple.bar=1 "
                + "root=/dev/sda2 rootfstype=ext4 add_efi_memmap quiet rw\n");
        Kmod.Run o = Ours.modprobe(UTF_8, "--sysroot", root.toString(), "-S", "4.4.4", "--show-depends", "mod-simple");
        assertEquals("insmod " + root + "/lib/modules/4.4.4/kernel/mod-simple.ko foo bar=1 \n", o.out(), o.stderr());
        // a quoted value keeps its quotes and space (as module-param-kcmdline5's foobar="test 1")
        Files.writeString(root.resolve("proc/cmdline"), "mod-simple.foo=\"a b\" \"mod_simple.bar=c d\"\n");
        o = Ours.modprobe(UTF_8, "--sysroot", root.toString(), "-S", "4.4.4", "--show-depends", "mod-simple");
        assertEquals("insmod " + root + "/lib/modules/4.4.4/kernel/mod-simple.ko foo=\"a b\" bar=\"c d\" \n", o.out(), o.stderr());
    }
}
