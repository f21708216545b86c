package modkit.kernel.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import modkit.kernel.KernelProfile;
import modkit.kernel.KernelSymbol;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The profile of a running kernel: which files it is made of, and what it says it left to the kernel. */
class LiveProfileTest {
    @TempDir
    Path tmp;

    FakeSystem sys;

    @BeforeEach
    void system() {
        sys = new FakeSystem(tmp.resolve("root"));
    }

    private LiveProfile read(Path symvers) {
        return LiveProfile.read(new SystemFiles(sys.root), symvers);
    }

    @Test
    void withoutModuleSymversTheExportsComeFromKallsymsAndCrcsAreLeftToTheKernel() {
        LiveProfile p = read(null);
        KernelProfile k = p.profile();
        assertEquals("6.1.0-56-amd64", k.release());
        assertEquals("x86_64", k.arch());
        assertEquals(new KernelSymbol("printk", 0xffffffff81100000L, null, false, "", null), k.symbols().get("printk"));
        assertTrue(k.symbols().get("gpl_thing").gpl(), "between __start___ksymtab_gpl and __stop___ksymtab_gpl");
        assertNull(k.symbols().get("_text"), "not exported");
        assertNull(k.vermagic(), "no module tree, no config");
        assertEquals(List.of(
                "no kernel config found (/proc/config.gz, /boot/config-6.1.0-56-amd64): layout options guessed, forced loads and unloads left to the kernel",
                "no Module.symvers for 6.1.0-56-amd64 (looked in /lib/modules/6.1.0-56-amd64/build, /usr/src/linux-headers-6.1.0-56-amd64,"
                        + " /boot/symvers-6.1.0-56-amd64.gz): symbol versions (CRCs), GPL-only flags and namespaces of the kernel's"
                        + " exports are left to the kernel; give one with --symvers FILE",
                "no vermagic known for 6.1.0-56-amd64 (no module in /lib/modules/6.1.0-56-amd64/modules.dep, no config): the kernel checks it"),
                p.notes());
    }

    @Test
    void moduleSymversFromTheHeadersGivesCrcsFlagsAndNamespaces() {
        sys.file("/usr/src/linux-headers-6.1.0-56-amd64/Module.symvers", """
                0x12345678\tprintk\tvmlinux\tEXPORT_SYMBOL\t
                0x0badcafe\tkfree\tvmlinux\tEXPORT_SYMBOL_GPL\tMEM
                0x11111111\tnot_here\tvmlinux\tEXPORT_SYMBOL\t
                0x22222222\tsnd_card_new\tsound/core/snd\tEXPORT_SYMBOL\t
                """);
        LiveProfile p = read(null);
        assertEquals(new KernelSymbol("printk", 0xffffffff81100000L, 0x12345678L, false, "", null), p.profile().symbols().get("printk"));
        assertEquals(new KernelSymbol("kfree", 0xffffffff81100100L, 0x0badcafeL, true, "MEM", null), p.profile().symbols().get("kfree"));
        Path symvers = sys.root.resolve("usr/src/linux-headers-6.1.0-56-amd64/Module.symvers");
        assertTrue(p.notes().contains("symbol versions from " + symvers + " (2 exports of the kernel image)"), p.notes().toString());
        assertTrue(p.notes().contains(symvers + ": 1 of its exports (e.g. not_here) are not exported by the running kernel;"
                + " is it the Module.symvers of another build?"), p.notes().toString());
    }

    @Test
    void theConfigGivesTheVermagicAndSigEnforceTheSignatureRule() {
        sys.file("/boot/config-6.1.0-56-amd64", """
                CONFIG_SMP=y
                CONFIG_PREEMPT_BUILD=y
                CONFIG_MODULE_UNLOAD=y
                CONFIG_MODVERSIONS=y
                CONFIG_MODULE_SIG=y
                """).file("/sys/module/module/parameters/sig_enforce", "Y\n");
        KernelProfile k = read(null).profile();
        assertEquals("6.1.0-56-amd64 SMP preempt mod_unload modversions ", k.vermagic());
        assertTrue(k.signatureEnforced(), "module.sig_enforce=1 enforces as CONFIG_MODULE_SIG_FORCE does");
        assertTrue(k.modversions());
        assertFalse(k.forceLoadAllowed(), "the config says what is allowed");
    }

    @Test
    void hiddenAddressesAreSaid() throws Exception {
        sys.file("/proc/kallsyms", Files.readString(sys.root.resolve("proc/kallsyms")).replaceAll("ffffffff8[0-9a-f]+", "0000000000000000"));
        LiveProfile p = read(null);
        assertEquals(0, p.profile().symbols().get("printk").address());
        assertFalse(p.profile().symbols().get("gpl_thing").gpl(), "cannot be told without addresses");
        assertEquals("/proc/kallsyms shows no addresses (kptr_restrict, or not root): the check links at placeholder addresses only",
                p.notes().getFirst());
    }
}
