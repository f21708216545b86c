package modkit.kernel.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import modkit.elf.ObjectFile;
import modkit.kernel.KernelException;
import modkit.kernel.KernelSymbol;
import modkit.kernel.LoadTransaction;
import modkit.kernel.LoadedModule;
import modkit.kernel.ModuleState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Linux backend over a directory laid out as /proc and /sys (the formats of Linux 6.1, as the real-kernel
 * transcripts show them) with system calls that only record: what it reads, what it asks, and each refusal line.
 */
class LinuxKernelTest {
    @TempDir
    Path tmp;

    FakeSystem sys;

    @BeforeEach
    void system() {
        sys = new FakeSystem(tmp.resolve("root"));
    }

    private static Path sample(String name) {
        return Path.of(System.getProperty("modkit.project", ".."), "testdata/objects/x86_64", name);
    }

    private void twoModules() {
        sys.file("/proc/modules", """
                snd 126976 1 snd_timer, Live 0xffffffffc02eb000 (OE)
                soundcore 16384 1 snd, Loading 0xffffffffc020e000 (+)
                perm 16384 0 [permanent], Live 0xffffffffc0300000
                """);
        sys.file("/sys/module/snd/coresize", "122880\n").file("/sys/module/snd/initsize", "0\n");
    }

    @Test
    void theModuleListIsProcModulesWithSysfsSizesAndHolders() {
        twoModules();
        List<LoadedModule> list = sys.kernel(null).modules();
        assertEquals(List.of("snd", "soundcore", "perm"), list.stream().map(LoadedModule::name).toList());
        LoadedModule snd = list.get(0);
        assertEquals(126976, snd.size());
        assertEquals(122880, snd.coreSize(), "lsmod prints coresize, as kmod reads it from sysfs");
        assertEquals(List.of("snd_timer"), snd.holders(), "the users of /proc/modules, in the kernel's order");
        assertEquals("OE", snd.taints());
        assertEquals(0xffffffffc02eb000L, snd.address());
        LoadedModule soundcore = list.get(1);
        assertEquals(ModuleState.COMING, soundcore.state());
        assertEquals(16384, soundcore.coreSize(), "no sysfs: the size of /proc/modules");
        assertEquals(List.of("snd"), soundcore.holders());
        assertEquals("", soundcore.taints());
        assertFalse(list.get(2).hasExit(), "[permanent]: init without exit");
    }

    @Test
    void taintIsTheMaskAsLetters() {
        sys.file("/proc/sys/kernel/tainted", "8194\n");
        assertEquals("FE", sys.kernel(null).taints());
    }

    @Test
    void moduleExportsComeFromKallsymsWithGplFromTheSectionTheyLieIn() {
        twoModules();
        sys.file("/proc/kallsyms", """
                ffffffff81000000 T _text
                ffffffffc02eb230 t snd_register_device\t[snd]
                ffffffffc02eb5d0 t snd_device_initialize\t[snd]
                ffffffffc02f6000 r __ksymtab_snd_register_device\t[snd]
                ffffffffc02f7000 r __ksymtab_snd_device_initialize\t[snd]
                ffffffffc020e610 t register_sound_special\t[soundcore]
                ffffffffc020f000 r __ksymtab_register_sound_special\t[soundcore]
                """);
        sys.file("/sys/module/snd/sections/__ksymtab", "0xffffffffc02f6000\n")
                .file("/sys/module/snd/sections/__ksymtab_gpl", "0xffffffffc02f7000\n")
                .file("/sys/module/snd/sections/.rodata", "0xffffffffc02f8000\n");
        List<KernelSymbol> e = sys.kernel(null).moduleExports();
        assertEquals(List.of(
                new KernelSymbol("snd_register_device", 0xffffffffc02eb230L, null, false, "", "snd"),
                new KernelSymbol("snd_device_initialize", 0xffffffffc02eb5d0L, null, true, "", "snd"),
                new KernelSymbol("register_sound_special", 0xffffffffc020e610L, null, false, "", "soundcore")), e);
    }

    @Test
    void parametersAreTheFilesSysfsShows() {
        sys.file("/sys/module/snd/parameters/major", "116\n").file("/sys/module/snd/parameters/cards_limit", "4\n");
        assertEquals(Map.of("cards_limit", "4", "major", "116"), sys.kernel(null).parameters("snd", false));
        KernelException e = assertThrows(KernelException.class, () -> sys.kernel(null).parameters("nosuch", false));
        assertEquals("Module nosuch is not currently loaded", e.getMessage());
    }

    @Test
    void aPlainFileGoesToFinitModuleWithTheForceFlags() throws Exception {
        LinuxKernel k = sys.kernel(null);
        ObjectFile m = ObjectFile.read(sample("mk_params.ko"));
        k.insert(m, "count=3", false, false);
        k.insert(m, "", true, true);
        assertEquals(List.of("finit_module(mk_params.ko, 'count=3', 0)", "finit_module(mk_params.ko, '', 3)"), sys.calls);
    }

    @Test
    void aSecondLoadIsRefusedBeforeTheKernelIsAsked() {
        sys.file("/proc/modules", "mk_params 16384 0 - Live 0xffffffffc0230000\n");
        KernelException again = assertThrows(KernelException.class,
                () -> sys.kernel(null).insert(ObjectFile.read(sample("mk_params.ko")), "", false, false));
        assertEquals("EEXIST", again.errno());
        assertEquals("module mk_params is already loaded", again.getMessage());
        assertEquals(List.of(), sys.calls);
    }

    @Test
    void aCompressedFileIsDecompressedUnlessTheKernelDoes() {
        LinuxKernel k = sys.kernel(null);
        ObjectFile xz = ObjectFile.read(sample("mk_params.ko.xz"));
        int plain = xz.image().length;
        k.insert(xz, "", false, false);
        k.insert(xz, "", true, false); // init_module has no flags: the decompressed image goes in as a file
        sys.file("/sys/module/compression", "xz\n");
        k.insert(xz, "", false, false);
        assertEquals(List.of("init_module(" + plain + " bytes, '')", "finit_module(memfd of " + plain + " bytes, '', 2)",
                "finit_module(mk_params.ko.xz, '', 4)"), sys.calls);
    }

    @Test
    void aRefusalNamesTheErrnoAndTheKernelsOwnLine() {
        sys.result = -22;
        sys.kernelLines = List.of("mk_params: module verification failed: signature and/or required key missing - tainting kernel",
                "mk_params: disagrees about version of symbol printk", "mk_params: Unknown symbol printk (err -22)",
                "other: unrelated");
        ObjectFile m = ObjectFile.read(sample("mk_params.ko"));
        KernelException e = assertThrows(KernelException.class, () -> sys.kernel(null).insert(m, "", false, false));
        assertEquals("EINVAL", e.errno());
        assertEquals(m.file() + ": the kernel refused the module: invalid parameters or symbol versions (EINVAL); kernel: "
                + "mk_params: disagrees about version of symbol printk (and 1 more line)", e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void whoMayNotLoadIsToldBeforeTheKernelIsAsked() {
        ObjectFile m = ObjectFile.read(sample("mk_params.ko"));
        sys.file("/proc/self/status", "Uid:\t1000\t1000\t1000\t1000\nCapEff:\t0000000000000000\n");
        KernelException notRoot = assertThrows(KernelException.class, () -> sys.kernel(null).insert(m, "", false, false));
        assertEquals("cannot load modules: this process lacks the CAP_SYS_MODULE capability (it is not root)", notRoot.getMessage());
        assertEquals("run it as root, e.g. with sudo", notRoot.hint());

        sys.file("/proc/self/status", "Uid:\t0\t0\t0\t0\nCapEff:\t000001fffffeffff\n"); // bit 16 dropped
        KernelException container = assertThrows(KernelException.class, () -> sys.kernel(null).unload("snd", false, false));
        assertEquals("cannot remove modules: this process lacks the CAP_SYS_MODULE capability (root, but in a container or"
                + " with capabilities dropped)", container.getMessage());

        sys.file("/proc/self/status", "Uid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\n").file("/proc/sys/kernel/modules_disabled", "1\n");
        KernelException disabled = assertThrows(KernelException.class, () -> sys.kernel(null).insert(m, "", false, false));
        assertEquals("cannot load modules: the kernel has module loading and removal switched off until it reboots"
                + " (/proc/sys/kernel/modules_disabled is 1)", disabled.getMessage());

        sys.file("/proc/sys/kernel/modules_disabled", "0\n").file("/sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
        KernelException locked = assertThrows(KernelException.class, () -> sys.kernel(null).insert(m, "", false, false));
        assertEquals(m.file() + ": the kernel is locked down (integrity) and loads only signed modules; this one has no signature",
                locked.getMessage());
        assertEquals(List.of(), sys.calls, "nothing was asked of the kernel");
    }

    @Test
    void aKernelWithoutModulesSaysSo() throws Exception {
        java.nio.file.Files.delete(sys.root.resolve("proc/modules"));
        KernelException e = assertThrows(KernelException.class, () -> sys.kernel(null).modules());
        assertEquals("the running kernel has no module support (no " + sys.root.resolve("proc/modules") + ")", e.getMessage());
        ObjectFile m = ObjectFile.read(sample("mk_params.ko"));
        KernelException load = assertThrows(KernelException.class, () -> sys.kernel(null).insert(m, "", false, false));
        assertEquals("cannot load modules: the running kernel has no module support (no /proc/modules)", load.getMessage());
    }

    @Test
    void unloadChecksHoldersAndReferencesAsKmodDoes() {
        twoModules();
        sys.file("/proc/modules", """
                snd 126976 1 snd_timer, Live 0xffffffffc02eb000
                dummy 16384 2 - Live 0xffffffffc0230000
                """);
        LinuxKernel k = sys.kernel(null);
        KernelException held = assertThrows(KernelException.class, () -> k.unload("snd", false, false));
        assertEquals("Module snd is in use by: snd_timer", held.getMessage());
        KernelException referenced = assertThrows(KernelException.class, () -> k.unload("dummy", false, false));
        assertEquals("Module dummy is in use (2 references held)", referenced.getMessage());
        KernelException absent = assertThrows(KernelException.class, () -> k.unload("nosuch", false, false));
        assertEquals("Module nosuch is not currently loaded", absent.getMessage());
        assertEquals(List.of(), sys.calls);

        k.unload("dummy", true, false);
        sys.result = -16;
        KernelException busy = assertThrows(KernelException.class, () -> k.unload("dummy", true, false));
        assertEquals("Module dummy is busy (still initialising, or it has no exit function) (EBUSY)", busy.getMessage());
        assertEquals(List.of("delete_module(dummy, O_TRUNC)", "delete_module(dummy, O_TRUNC)"), sys.calls);
    }

    @Test
    void thePreflightLinkSeesKernelAndModuleExportsAndCommitsNothing() {
        twoModules();
        sys.file("/proc/kallsyms", """
                ffffffff81100000 T printk
                ffffffff82460000 r __ksymtab_printk
                ffffffffc02eb230 t snd_register_device\t[snd]
                ffffffffc02f6000 r __ksymtab_snd_register_device\t[snd]
                """);
        LinuxKernel k = sys.kernel(null);
        try (LoadTransaction tx = k.preflight("snd_timer")) {
            assertEquals(0xffffffff81100000L, tx.findSymbol("printk").address());
            assertEquals("snd", tx.findSymbol("snd_register_device").owner());
            assertNull(tx.findSymbol("nosuch"));
            assertFalse(tx.isProprietary("snd"));
            assertEquals(0xffffffffc0000000L, tx.allocate(4096), "placeholders from the start of the module area");
            assertThrows(IllegalStateException.class, () -> tx.commit(null));
        }
    }
}
