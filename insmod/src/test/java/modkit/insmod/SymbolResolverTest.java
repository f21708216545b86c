package modkit.insmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import modkit.arch.Arches;
import modkit.elf.ModkitException;
import modkit.elf.ObjectFile;
import modkit.elf.SymbolTable;
import modkit.kernel.KernelProfile;
import modkit.kernel.KernelSymbol;
import modkit.kernel.LoadTransaction;
import modkit.kernel.ModuleImage;
import modkit.kernel.ProfileFile;
import org.junit.jupiter.api.Test;

/**
 * simplify_symbols over mk_importer.ko (nm -u: __fentry__, __x86_return_thunk, _printk, mk_add, mk_counter,
 * mk_gpl_mul) and mk_nsmissing.ko against a kernel view given here, so each rule is seen alone: where a symbol comes
 * from, the CRC, GPL-only and namespace refusals, and that all unknown symbols are told at once. CRCs are those of
 * kmod's modprobe --dump-modversions.
 */
class SymbolResolverTest {
    private static final KernelProfile DEBIAN = ProfileFile.embeddedDefault();

    /** The kernel's answers to find_symbol, by name; the modules named in {@code proprietary} are proprietary. */
    private record View(Map<String, KernelSymbol> symbols, Set<String> proprietary) implements LoadTransaction {
        @Override
        public KernelSymbol findSymbol(String name) {
            return symbols.get(name);
        }

        @Override
        public boolean isProprietary(String module) {
            return proprietary.contains(module);
        }

        @Override
        public long allocate(long size) {
            throw new AssertionError("resolution allocates nothing");
        }

        @Override
        public long commit(ModuleImage image) {
            throw new AssertionError();
        }

        @Override
        public void close() {}
    }

    private static Map<String, KernelSymbol> kernelAndExporter(long mkAddCrc, boolean mkGplMulGpl) {
        Map<String, KernelSymbol> m = new HashMap<>();
        m.put("_printk", new KernelSymbol("_printk", 0xffffffff81000100L, 0x92997ed8L, false, "", null));
        m.put("__fentry__", new KernelSymbol("__fentry__", 0xffffffff81000200L, 0xbdfb6dbbL, false, "", null));
        m.put("__x86_return_thunk", new KernelSymbol("__x86_return_thunk", 0xffffffff81000300L, 0x5b8239caL, false, "", null));
        m.put("mk_add", new KernelSymbol("mk_add", 0xffffffffc0001000L, mkAddCrc, false, "", "mk_exporter"));
        m.put("mk_gpl_mul", new KernelSymbol("mk_gpl_mul", 0xffffffffc0001020L, 0xf22a776eL, mkGplMulGpl, "", "mk_exporter"));
        m.put("mk_counter", new KernelSymbol("mk_counter", 0xffffffffc0003000L, 0x0b582781L, false, "", "mk_exporter"));
        m.put("mk_ns_sub", new KernelSymbol("mk_ns_sub", 0xffffffffc0001040L, 0xe4ccc17cL, true, "MODKIT_TEST", "mk_exporter"));
        return m;
    }

    private static SymbolResolver resolve(ObjectFile obj, KernelProfile profile, View view, Taints taints) {
        SymbolResolver r = new SymbolResolver(obj, profile, Arches.byName(profile.arch()), view,
                ModuleChecks.versionsByName(obj.versions()), taints, new References(obj));
        r.resolve(new long[obj.sectionCount()], 0);
        return r;
    }

    private static long valueOf(ObjectFile obj, SymbolResolver r, String name) {
        SymbolTable st = obj.symbols();
        for (int i = 1; i < st.count(); i++) {
            if (st.name(i).equals(name)) {
                return r.values[i];
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void undefinedSymbolsTakeTheExportersAddresses() {
        ObjectFile obj = Samples.x86("mk_importer.ko");
        Taints taints = new Taints();
        SymbolResolver r = resolve(obj, DEBIAN, new View(kernelAndExporter(0xb59e5955L, true), Set.of()), taints);
        assertEquals(0xffffffff81000100L, valueOf(obj, r, "_printk"));
        assertEquals(0xffffffffc0001000L, valueOf(obj, r, "mk_add"));
        assertEquals(0xffffffffc0003000L, valueOf(obj, r, "mk_counter"));
        Map<String, String> from = new HashMap<>();
        r.resolved.forEach(s -> from.put(s.name(), s.from()));
        assertEquals(Map.of("_printk", "kernel", "__fentry__", "kernel", "__x86_return_thunk", "kernel",
                "mk_add", "module:mk_exporter", "mk_counter", "module:mk_exporter", "mk_gpl_mul", "module:mk_exporter"), from);
        assertEquals(new LinkedHashSet<>(List.of("mk_exporter")), r.uses, "the module becomes a user of its exporter");
        assertEquals("", taints.toString());
    }

    @Test
    void aCrcMismatchIsRefusedNamingBothCrcs() {
        ObjectFile obj = Samples.x86("mk_importer.ko");
        ModkitException e = assertThrows(ModkitException.class,
                () -> resolve(obj, DEBIAN, new View(kernelAndExporter(0x12345678L, true), Set.of()), new Taints()));
        assertTrue(e.getMessage().contains("disagrees about version of 1 symbol: mk_add (module 0xb59e5955, mk_exporter 0x12345678)"),
                e.getMessage());
    }

    @Test
    void everyUnknownSymbolIsToldAtOnce() {
        ObjectFile obj = Samples.x86("mk_importer.ko");
        Map<String, KernelSymbol> k = kernelAndExporter(0xb59e5955L, true);
        k.remove("mk_add");
        k.remove("mk_counter");
        UnknownSymbols e = assertThrows(UnknownSymbols.class, () -> resolve(obj, DEBIAN, new View(k, Set.of()), new Taints()));
        assertTrue(e.getMessage().contains("2 unknown symbols: "), e.getMessage());
        assertTrue(e.getMessage().contains("mk_add") && e.getMessage().contains("mk_counter"), e.getMessage());
        assertTrue(e.getMessage().indexOf("mk_gpl_mul") < 0, "mk_gpl_mul was found: " + e.getMessage());
    }

    /** A proprietary module does not see GPL-only exports: mk_gpl_mul is unknown to it, and the hint says why. */
    @Test
    void aProprietaryModuleCannotUseGplOnlyExports() {
        ObjectFile obj = Samples.x86("mk_importer.ko");
        // the taints check_modinfo gives a module whose licence is not GPL-compatible (P, and O)
        Taints taints = new Taints();
        ModuleChecks.modinfoTaints(Samples.x86("mk_proprietary.ko"), taints);
        assertEquals("PO", taints.toString());
        UnknownSymbols e = assertThrows(UnknownSymbols.class,
                () -> resolve(obj, DEBIAN, new View(kernelAndExporter(0xb59e5955L, true), Set.of()), taints));
        assertTrue(e.getMessage().contains("1 unknown symbol: mk_gpl_mul"), e.getMessage());
        // the same export without the GPL flag resolves
        SymbolResolver r = resolve(obj, DEBIAN, new View(kernelAndExporter(0xb59e5955L, false), Set.of()), taints);
        assertEquals(0xffffffffc0001020L, valueOf(obj, r, "mk_gpl_mul"));
    }

    /** Using a proprietary module's exports taints P (the kernel's "inheriting taint" from the exporter). */
    @Test
    void usingAProprietaryExporterTaintsP() {
        ObjectFile obj = Samples.x86("mk_importer.ko");
        Taints taints = new Taints();
        resolve(obj, DEBIAN, new View(kernelAndExporter(0xb59e5955L, true), Set.of("mk_exporter")), taints);
        assertEquals("P", taints.toString());
    }

    /** mk_nsmissing calls mk_ns_sub (namespace MODKIT_TEST) without MODULE_IMPORT_NS. */
    @Test
    void aNamespacedExportNeedsTheImport() {
        ObjectFile obj = Samples.x86("mk_nsmissing.ko");
        View view = new View(kernelAndExporter(0xb59e5955L, true), Set.of());
        ModkitException e = assertThrows(ModkitException.class, () -> resolve(obj, DEBIAN, view, new Taints()));
        assertTrue(e.getMessage().contains("from a namespace it does not import: mk_ns_sub (namespace MODKIT_TEST)"), e.getMessage());
        assertTrue(e.hint().contains("MODULE_IMPORT_NS(MODKIT_TEST)"), e.hint());
        // the kernel option that allows it
        SymbolResolver r = resolve(obj, DEBIAN.withConfig(Map.of("CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS", "y")), view, new Taints());
        assertEquals(0xffffffffc0001040L, valueOf(obj, r, "mk_ns_sub"));
        // mk_nsimport imports it
        resolve(Samples.x86("mk_nsimport.ko"), DEBIAN, view, new Taints());
    }
}
