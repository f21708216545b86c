package modkit.lsmod;

import modkit.command.Captured;
import static modkit.lsmod.LsmodFormatTest.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import modkit.insmod.Insmod;
import modkit.insmod.LinkOptions;
import modkit.kernel.LoadedModule;
import modkit.kernel.ProfileFile;
import modkit.kernel.SimulatedKernel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ksyms} and its flags over a simulated Debian 6.1 kernel with mk_exporter and mk_importer loaded. What is
 * expected comes from the objects themselves: nm -n mk_exporter.ko puts mk_add at .text+0, mk_gpl_mul at +0x20,
 * mk_ns_sub at +0x40 and mk_counter at .data+0; .text is the first section of the core and .data starts the third
 * page (text and rodata each padded to a page, CONFIG_STRICT_MODULE_RWX); the CRCs are kmod's modprobe
 * --dump-modversions of the importers (mk_add 0xb59e5955, mk_counter 0x0b582781, mk_gpl_mul 0xf22a776e,
 * mk_ns_sub 0xe4ccc17c); GPL-only and the namespace are the source's EXPORT_SYMBOL_GPL / _NS_GPL(MODKIT_TEST).
 */
class KsymsCommandTest {
    @TempDir
    static Path root;
    static long exporter;

    @BeforeAll
    static void boot() {
        Path objects = Path.of(System.getProperty("modkit.project", "..")).resolve("testdata/objects/x86_64");
        try (SimulatedKernel k = SimulatedKernel.boot(root, ProfileFile.embeddedDefault())) {
            Insmod.load(objects.resolve("mk_exporter.ko"), k, LinkOptions.DEFAULT, false);
            Insmod.load(objects.resolve("mk_importer.ko"), k, LinkOptions.DEFAULT, false);
            exporter = k.modules().stream().filter(m -> m.name().equals("mk_exporter")).mapToLong(LoadedModule::address)
                    .findFirst().orElseThrow();
        }
    }

    static String run(Object command, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--root", root.toString()));
        Captured c = Captured.of(StandardCharsets.UTF_8, false,
                () -> new CommandLine(command).execute(all.toArray(String[]::new)));
        String out = c.outText(StandardCharsets.UTF_8);
        assertEquals(0, c.exit(), out);
        return out;
    }

    private static String line(long address, String crc, String rest) {
        return String.format("%016x  %-10s  %s", address, crc, rest);
    }

    /** -m: the loaded modules' exports alone, with the header modutils printed. */
    @Test
    void modulesOnly() {
        String expected = String.join("\n",
                "Address           CRC         Symbol  Defined by",
                line(exporter, "0xb59e5955", "mk_add  [mk_exporter]"),
                line(exporter + 0x2000, "0x0b582781", "mk_counter  [mk_exporter]"),
                line(exporter + 0x20, "0xf22a776e", "mk_gpl_mul  [mk_exporter]  GPL"),
                line(exporter + 0x40, "0xe4ccc17c", "mk_ns_sub  [mk_exporter]  GPL  ns:MODKIT_TEST"), "");
        assertEquals(expected, run(new KsymsCommand(), "-m"));
        assertEquals(expected.substring(expected.indexOf('\n') + 1), run(new KsymsCommand(), "-m", "--noheader"));
    }

    /** Without -m the kernel's exports come first, by name, without an owner; then the modules'. */
    @Test
    void theKernelsExportsComeFirst() {
        List<String> lines = run(new KsymsCommand(), "--noheader").lines().toList();
        int printk = indexOf(lines, " _printk");
        int mkAdd = indexOf(lines, " mk_add  [mk_exporter]");
        assertTrue(printk >= 0 && printk < mkAdd, "_printk at " + printk + ", mk_add at " + mkAdd);
        assertTrue(!lines.get(printk).contains("["), "vmlinux has no owner: " + lines.get(printk));
        // kmod --dump-modversions of the importer: _printk 0x92997ed8
        assertTrue(lines.get(printk).contains("  0x92997ed8  _printk"), lines.get(printk));
        assertEquals(lines.size() - 4, mkAdd, "the four module exports are last");
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith(part) || lines.get(i).contains(part + "  ")) {
                return i;
            }
        }
        return -1;
    }

    /**
     * --info (modutils' -m): a line per module, newest first, with its address and its size in KiB rounded up, each
     * followed by its symbols; -a without recorded tables lists the same exports. mk_importer exports nothing.
     */
    @Test
    void infoAndAll() {
        List<LoadedModule> modules;
        try (SimulatedKernel k = SimulatedKernel.open(root)) {
            modules = k.modules();
        }
        LoadedModule imp = modules.get(0);
        LoadedModule exp = modules.get(1);
        assertEquals("mk_importer", imp.name());
        List<String> lines = run(new KsymsCommand(), "-m", "--info", "-a", "--noheader").lines().toList();
        assertEquals(List.of(
                line(imp.address(), "(" + (imp.size() + 1023) / 1024 + "k)", "[mk_importer]"),
                line(exp.address(), "(" + (exp.size() + 1023) / 1024 + "k)", "[mk_exporter]"),
                line(exporter, "0xb59e5955", "mk_add  [mk_exporter]"),
                line(exporter + 0x2000, "0x0b582781", "mk_counter  [mk_exporter]"),
                line(exporter + 0x20, "0xf22a776e", "mk_gpl_mul  [mk_exporter]  GPL"),
                line(exporter + 0x40, "0xe4ccc17c", "mk_ns_sub  [mk_exporter]  GPL  ns:MODKIT_TEST")),
                lines);
    }

    @Test
    void json() throws Exception {
        JsonNode expected = JSON.readTree(String.format("""
                [
                  {"name": "mk_add", "address": "0x%x", "crc": "0xb59e5955", "owner": "mk_exporter",
                   "gpl_only": false, "namespace": "", "exported": true},
                  {"name": "mk_counter", "address": "0x%x", "crc": "0x0b582781", "owner": "mk_exporter",
                   "gpl_only": false, "namespace": "", "exported": true},
                  {"name": "mk_gpl_mul", "address": "0x%x", "crc": "0xf22a776e", "owner": "mk_exporter",
                   "gpl_only": true, "namespace": "", "exported": true},
                  {"name": "mk_ns_sub", "address": "0x%x", "crc": "0xe4ccc17c", "owner": "mk_exporter",
                   "gpl_only": true, "namespace": "MODKIT_TEST", "exported": true}
                ]""", exporter, exporter + 0x2000, exporter + 0x20, exporter + 0x40));
        assertEquals(expected, JSON.readTree(run(new KsymsCommand(), "-m", "--json")));
        JsonNode all = JSON.readTree(run(new KsymsCommand(), "--json"));
        JsonNode printk = null;
        for (JsonNode n : all) {
            if (n.get("name").asText().equals("_printk")) {
                printk = n;
            }
        }
        assertEquals("vmlinux", printk.get("owner").asText());
        assertEquals("0x92997ed8", printk.get("crc").asText());
    }
}
