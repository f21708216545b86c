package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import modkit.insmod.Insmod;
import modkit.insmod.LinkOptions;
import modkit.insmod.LinkResult;
import modkit.insmod.LoadMap;
import modkit.kernel.KernelBackend;
import modkit.kernel.KernelSymbol;
import modkit.kernel.LoadedModule;
import modkit.kernel.ProfileFile;
import modkit.kernel.SimulatedKernel;
import modkit.lsmod.Ksyms;
import modkit.lsmod.SymbolTables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ksyms -a / --info / --noheader over a simulated kernel with mk_params and mk_exporter loaded. */
class KsymsAllTest {
    private static Map<String, LinkResult> boot(Path root) {
        Map<String, LinkResult> links = new HashMap<>();
        try (SimulatedKernel k = SimulatedKernel.boot(root, ProfileFile.embeddedDefault())) {
            for (String m : List.of("mk_params", "mk_exporter")) {
                links.put(m, Insmod.load(TestPaths.testdata().resolve("objects/x86_64/" + m + ".ko"), k, LinkOptions.DEFAULT, false));
            }
        }
        return links;
    }

    private static String key(KernelSymbol s) {
        return s.name() + "@" + Long.toHexString(s.address()) + "[" + s.owner() + "]";
    }

    /** Today no backend records more than exports: -a lists the same symbols, module by module, then the kernel's. */
    @Test
    void withExportsOnlyAllListsTheExportsModuleByModule(@TempDir Path root) {
        boot(root);
        try (SimulatedKernel k = SimulatedKernel.open(root)) {
            List<Ksyms.Entry> plain = Ksyms.list(k, new Ksyms.Request(false, false, false), SymbolTables.EXPORTS_ONLY);
            List<Ksyms.Entry> all = Ksyms.list(k, new Ksyms.Request(false, true, false), SymbolTables.EXPORTS_ONLY);
            Set<String> a = new HashSet<>();
            plain.forEach(e -> a.add(key(e.symbol())));
            Set<String> b = new HashSet<>();
            all.forEach(e -> b.add(key(e.symbol())));
            assertEquals(a, b);
            assertEquals(plain.size(), all.size());
            // modutils' order: the modules in the kernel's list order (newest first), then the kernel.
            List<String> owners = new ArrayList<>();
            for (Ksyms.Entry e : all) {
                String o = e.symbol().owner() == null ? "vmlinux" : e.symbol().owner();
                if (owners.isEmpty() || !owners.getLast().equals(o)) {
                    owners.add(o);
                }
            }
            assertEquals(List.of("mk_exporter", "vmlinux"), owners, "mk_params exports nothing");
            assertTrue(all.stream().allMatch(Ksyms.Entry::exported));
        }
    }

    /**
     * Through the extension point: a module's whole table (here the load map's symbols of its link, as insmod -S is
     * to record them) and kernel symbols beyond the exports are listed, the exported ones with their CRC.
     */
    @Test
    void allListsWholeTablesWhereTheBackendKnowsThem(@TempDir Path root) {
        Map<String, LinkResult> links = boot(root);
        KernelSymbol hidden = new KernelSymbol("kernel_internal_fn", 0xffffffff81000123L, null, false, "", null);
        SymbolTables tables = new SymbolTables() {
            @Override
            public List<KernelSymbol> module(KernelBackend kernel, LoadedModule m) {
                List<KernelSymbol> out = new ArrayList<>();
                for (LoadMap.MapSymbol s : LoadMap.symbols(links.get(m.name()))) {
                    out.add(new KernelSymbol(s.name(), s.address(), null, false, "", m.name()));
                }
                return out;
            }

            @Override
            public List<KernelSymbol> kernel(KernelBackend kernel) {
                return List.of(hidden, kernel.profile().symbols().get("_printk")); // one exported: listed once
            }
        };
        try (SimulatedKernel k = SimulatedKernel.open(root)) {
            List<Ksyms.Entry> all = Ksyms.list(k, new Ksyms.Request(false, true, false), tables);
            for (String m : List.of("mk_params", "mk_exporter")) {
                for (LoadMap.MapSymbol s : LoadMap.symbols(links.get(m))) {
                    long n = all.stream().filter(e -> e.symbol().name().equals(s.name()) && m.equals(e.symbol().owner())
                            && e.symbol().address() == s.address()).count();
                    assertEquals(1, n, m + ": " + s.name());
                }
            }
            Ksyms.Entry add = all.stream().filter(e -> e.symbol().name().equals("mk_add")).findFirst().orElseThrow();
            KernelSymbol export = k.moduleExports().stream().filter(s -> s.name().equals("mk_add")).findFirst().orElseThrow();
            assertTrue(add.exported());
            assertEquals(export.crc(), add.symbol().crc());
            assertNotNull(add.symbol().crc(), "mk_exporter was built with modversions");
            Ksyms.Entry exit = all.stream().filter(e -> e.symbol().name().equals("mk_params_exit")).findFirst().orElseThrow();
            assertFalse(exit.exported());
            assertNull(exit.symbol().crc());
            assertEquals(1, all.stream().filter(e -> e.symbol().name().equals("_printk")).count());
            Ksyms.Entry h = all.stream().filter(e -> e.symbol().name().equals(hidden.name())).findFirst().orElseThrow();
            assertFalse(h.exported());
            String text = Ksyms.text(all, 8, true);
            assertTrue(text.contains("ffffffff81000123  -           kernel_internal_fn  (not exported)\n"), text);
            assertTrue(Ksyms.json(all).contains("\"name\": \"mk_params_exit\""), "json");
        }
    }

    @Test
    void infoAndNoheaderFromTheCommandLine(@TempDir Path root) {
        boot(root);
        List<LoadedModule> modules;
        try (SimulatedKernel k = SimulatedKernel.open(root)) {
            modules = k.modules();
        }
        String out = InProcess.run(List.of("ksyms", "--root", root.toString(), "--info", "--noheader", "-m"));
        List<String> lines = out.lines().toList();
        assertFalse(out.contains("Address"), out);
        LoadedModule newest = modules.getFirst();
        assertEquals("mk_exporter", newest.name());
        assertEquals(String.format("%016x  %-10s  [mk_exporter]", newest.address(), "(" + (newest.size() + 1023) / 1024 + "k)"),
                lines.getFirst());
        LoadedModule params = modules.get(1);
        assertTrue(lines.contains(String.format("%016x  %-10s  [mk_params]", params.address(), "(" + (params.size() + 1023) / 1024 + "k)")), out);
        assertTrue(lines.stream().noneMatch(l -> !l.contains("[mk_")), "-m: modules only\n" + out);
        String header = InProcess.run(List.of("ksyms", "--root", root.toString(), "-a"));
        assertTrue(header.startsWith("Address "), header.substring(0, 40));
        assertTrue(header.contains(" mk_add  [mk_exporter]"), "-a lists the module exports");
    }

    /** insmod -S records the module's whole table; ksyms -a then lists its local symbols at the addresses nm gives. */
    @Test
    void allListsWhatInsmodKallsymsRecorded(@TempDir Path root) throws Exception {
        String ko = TestPaths.testdata().resolve("objects/x86_64/mk_params.ko").toString();
        assertEquals("", InProcess.run(List.of("sim", "boot", "--root", root.toString())).replaceAll("(?m)^booted.*\n", ""));
        assertEquals("", InProcess.run(List.of("insmod", "-S", "--root", root.toString(), ko)));
        String out = InProcess.run(List.of("ksyms", "-a", "--root", root.toString()));
        // GNU nm over the object placed at modkit's addresses (testdata/gen-nm-golden.py): mk_params_exit is local
        String nm = java.nio.file.Files.readString(TestPaths.testdata().resolve("golden/x86_64/mk_params.nm"));
        String exitLine = nm.lines().filter(l -> l.startsWith("mk_params_exit ")).findFirst().orElseThrow();
        String address = exitLine.split("\\|")[1].trim();
        assertTrue(out.lines().anyMatch(l -> l.startsWith(address) && l.contains("mk_params_exit") && l.contains("[mk_params]")),
                out.lines().filter(l -> l.contains("mk_params")).toList().toString());
        // without -S nothing but exports is known, and mk_params exports nothing
        assertEquals("", InProcess.run(List.of("rmmod", "--root", root.toString(), "mk_params")));
        assertEquals("", InProcess.run(List.of("insmod", "--root", root.toString(), ko)));
        assertFalse(InProcess.run(List.of("ksyms", "-a", "--root", root.toString())).contains("mk_params_exit"));
    }
}
