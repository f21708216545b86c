package modkit.insmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import modkit.elf.ModkitException;
import modkit.elf.ObjectFile;
import modkit.kernel.KernelProfile;
import modkit.kernel.KernelSymbol;
import modkit.kernel.ProfileFile;
import org.junit.jupiter.api.Test;

/**
 * The checks before resolution: vermagic (kernel's same_magic), licence (license_is_gpl_compatible), the per-symbol
 * CRC (check_version). The modules' facts come from GNU strings (vermagic=, license=) and kmod's
 * {@code modprobe --dump-modversions} (the __versions CRCs).
 */
class ModuleChecksTest {
    private static final String DEBIAN_MAGIC = "6.1.0-56-amd64 SMP preempt mod_unload modversions ";

    @Test
    void sameMagicIgnoresTheReleaseOnlyWithModversions() {
        String other = "6.1.0-99-amd64 SMP preempt mod_unload modversions ";
        assertTrue(ModuleChecks.sameMagic(DEBIAN_MAGIC, other, true));
        assertFalse(ModuleChecks.sameMagic(DEBIAN_MAGIC, other, false));
        assertFalse(ModuleChecks.sameMagic(DEBIAN_MAGIC, "6.1.0-56-amd64 SMP mod_unload modversions ", true), "preempt differs");
        assertTrue(ModuleChecks.sameMagic(DEBIAN_MAGIC, DEBIAN_MAGIC, false));
    }

    @Test
    void numericReleaseIsTheLeadingDigitsAndDots() {
        assertEquals("6.1.0", ModuleChecks.numericRelease(DEBIAN_MAGIC));
        assertEquals("2.4.37", ModuleChecks.numericRelease("2.4.37-pre1 SMP"));
        assertEquals("", ModuleChecks.numericRelease("abc"));
        assertTrue(ModuleChecks.sameNumericMagic(DEBIAN_MAGIC, "6.1.0-test SMP preempt mod_unload modversions ", false));
        assertFalse(ModuleChecks.sameNumericMagic(DEBIAN_MAGIC, "6.1.1-56-amd64 SMP preempt mod_unload modversions ", false));
    }

    /** mk_params.ko says vermagic=6.1.0-56-amd64 SMP preempt mod_unload modversions; the test kernel another. */
    @Test
    void vermagicMismatchNamesBothValues() {
        ObjectFile obj = Samples.x86("mk_params.ko");
        KernelProfile test = Samples.profile("x86_64-test");
        ModkitException e = assertThrows(ModkitException.class,
                () -> ModuleChecks.vermagic(obj, test, LinkOptions.DEFAULT, true, new Taints()));
        assertTrue(e.getMessage().contains("version magic '" + DEBIAN_MAGIC + "' should be '6.1.0-test SMP mod_unload '"), e.getMessage());
        // the Debian kernel it was built for accepts it, untainted
        Taints t = new Taints();
        ModuleChecks.vermagic(obj, ProfileFile.embeddedDefault(), LinkOptions.DEFAULT, true, t);
        assertEquals("", t.toString());
    }

    /** --force-vermagic drops the module's vermagic: try_to_force_load taints F where the kernel allows forcing. */
    @Test
    void forcedVermagicTaintsF() {
        ObjectFile obj = Samples.x86("mk_params.ko");
        KernelProfile test = Samples.profile("x86_64-test").withConfig(Map.of("CONFIG_MODULE_FORCE_LOAD", "y"));
        Taints t = new Taints();
        ModuleChecks.vermagic(obj, test, new LinkOptions(true, false, ""), true, t);
        assertEquals("F", t.toString());
        assertThrows(ModkitException.class, () -> ModuleChecks.vermagic(obj, Samples.profile("x86_64-test"),
                new LinkOptions(true, false, ""), true, new Taints()), "no CONFIG_MODULE_FORCE_LOAD");
    }

    @Test
    void licenceDecidesProprietary() {
        assertTrue(ModuleChecks.proprietary(Samples.x86("mk_proprietary.ko")), "license=Proprietary");
        assertFalse(ModuleChecks.proprietary(Samples.x86("mk_exporter.ko")), "license=GPL");
        Taints t = new Taints();
        ModuleChecks.modinfoTaints(Samples.x86("mk_proprietary.ko"), t);
        assertEquals("PO", t.toString(), "proprietary, and out of tree (no intree=Y)");
    }

    /** modprobe --dump-modversions mk_importer.ko: 0xb59e5955 mk_add, 0x92997ed8 _printk. */
    @Test
    void crcComparesTheModulesVersionWithTheExport() {
        ObjectFile obj = Samples.x86("mk_importer.ko");
        KernelProfile k = ProfileFile.embeddedDefault();
        Map<String, Long> versions = ModuleChecks.versionsByName(obj.versions());
        assertEquals(0xb59e5955L, versions.get("mk_add"));
        assertEquals(0x92997ed8L, versions.get("_printk"));
        assertNull(ModuleChecks.crc(obj, k, versions, new KernelSymbol("mk_add", 0, 0xb59e5955L, false, "", "mk_exporter"), new Taints()));
        assertEquals("mk_add (module 0xb59e5955, mk_exporter 0xdeadbeef)",
                ModuleChecks.crc(obj, k, versions, new KernelSymbol("mk_add", 0, 0xdeadbeefL, false, "", "mk_exporter"), new Taints()));
        // an export without a CRC is not checked; nor is anything on a kernel without modversions
        assertNull(ModuleChecks.crc(obj, k, versions, new KernelSymbol("mk_add", 0, null, false, "", "mk_exporter"), new Taints()));
        assertNull(ModuleChecks.crc(obj, k.withConfig(Map.of("CONFIG_MODVERSIONS", "n")), versions,
                new KernelSymbol("mk_add", 0, 0xdeadbeefL, false, "", "mk_exporter"), new Taints()));
    }
}
