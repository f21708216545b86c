package modkit.insmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import modkit.elf.ModkitException;
import modkit.kernel.KernelProfile;
import modkit.kernel.KernelSymbol;
import modkit.kernel.ProfileFile;
import modkit.kernel.SimulatedKernel;
import modkit.kernel.SymbolMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * insmod's library entry (Insmod.load) against the simulated kernel: where symbols are found (find_symbol searches
 * vmlinux's exports before the loaded modules'), and module parameters given at load time (kernel/params.c's
 * parse_args and param_set_*, read back as /sys/module/NAME/parameters shows them).
 */
class InsmodLoadTest {
    private static final Path OBJECTS = Samples.testdata().resolve("objects/x86_64");

    @TempDir
    Path root;

    private static Map<String, String> resolvedFrom(LinkResult r) {
        Map<String, String> out = new java.util.TreeMap<>();
        r.symbols().stream().filter(s -> !s.from().equals("self")).forEach(s -> out.put(s.name(), s.from()));
        return out;
    }

    @Test
    void kernelExportsThenModuleExports() {
        try (SimulatedKernel k = SimulatedKernel.boot(root, ProfileFile.embeddedDefault())) {
            Insmod.load(OBJECTS.resolve("mk_exporter.ko"), k, LinkOptions.DEFAULT, false);
            LinkResult r = Insmod.load(OBJECTS.resolve("mk_importer.ko"), k, LinkOptions.DEFAULT, false);
            // nm -u mk_importer.ko
            assertEquals(Map.of("__fentry__", "kernel", "__x86_return_thunk", "kernel", "_printk", "kernel",
                    "mk_add", "module:mk_exporter", "mk_counter", "module:mk_exporter", "mk_gpl_mul", "module:mk_exporter"),
                    resolvedFrom(r));
            KernelSymbol printk = k.profile().symbols().get("_printk");
            assertEquals(printk.address(), r.symbols().stream().filter(s -> s.name().equals("_printk")).findFirst().orElseThrow().address());
        }
    }

    /**
     * A kernel that itself exports mk_add (same CRC): the importer takes vmlinux's, as find_symbol looks there first,
     * and mk_exporter can no longer load ("exports duplicate symbol mk_add (owned by kernel)").
     */
    @Test
    void vmlinuxWinsOverAModule() {
        KernelProfile base = ProfileFile.embeddedDefault();
        List<KernelSymbol> symbols = new ArrayList<>(base.symbols().all());
        symbols.add(new KernelSymbol("mk_add", 0xffffffff81abc000L, 0xb59e5955L, false, "", null));
        try (SimulatedKernel k = SimulatedKernel.boot(root, base.withSymbols(new SymbolMap(symbols)))) {
            ModkitException dup = assertThrows(ModkitException.class,
                    () -> Insmod.load(OBJECTS.resolve("mk_exporter.ko"), k, LinkOptions.DEFAULT, false));
            assertTrue(dup.getMessage().contains("duplicate symbol mk_add"), dup.getMessage());
            assertEquals(List.of(), k.modules());
        }
    }

    private Map<String, String> loadParams(String args) {
        try (SimulatedKernel k = SimulatedKernel.boot(root, ProfileFile.embeddedDefault())) {
            Insmod.load(OBJECTS.resolve("mk_params.ko"), k, new LinkOptions(false, false, args), false);
            return k.parameters("mk_params", false);
        }
    }

    /** The values as param_get_* print them; the rest keep mk_params.c's initial values. */
    @Test
    void parametersAreSetAtLoad() {
        Map<String, String> p = loadParams("p_int=7 p-uint=8 p_charp=\"two words\" p_array=5,6 p_bool=n p_invbool=n p_hexint=0x10 "
                + "p_string=short p_byte=255");
        assertEquals("7", p.get("p_int"));
        assertEquals("8", p.get("p_uint"), "'-' and '_' are the same in a parameter name");
        assertEquals("two words", p.get("p_charp"));
        assertEquals("5,6", p.get("p_array"), "the array's count follows the values given");
        assertEquals("N", p.get("p_bool"));
        assertEquals("N", p.get("p_invbool"), "invbool stores the opposite (true) and param_get_invbool shows its opposite again; unset it shows Y");
        assertEquals("0x000010", p.get("p_hexint"), "%#08x");
        assertEquals("short", p.get("p_string"));
        assertEquals("255", p.get("p_byte"));
        assertEquals("-100000", p.get("p_long"), "not given: the initial value");
    }

    /** param_set_byte (kstrtou8) refuses 256 with -ERANGE; the copied string must fit its 16 bytes (-ENOSPC). */
    @Test
    void badValuesRefuseTheLoad() {
        assertThrows(ModkitException.class, () -> loadParams("p_byte=256"));
        try (SimulatedKernel k = SimulatedKernel.open(root)) {
            assertEquals(List.of(), k.modules());
        }
        assertThrows(ModkitException.class, () -> loadParams("p_string=" + "x".repeat(16)));
    }
}
