package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What modkit says when asked for help, and the hints its errors give: each one must be right when followed. */
class HelpAndHintsTest {
    @TempDir
    Path tmp;

    @Test
    void modkitAloneListsTheCommandsAndIsAUsageError() {
        String out = InProcess.run(List.of());
        assertTrue(out.startsWith("modkit: missing command\nUsage: modkit [-hV] [COMMAND]\n"), out);
        for (String c : List.of("insmod", "rmmod", "lsmod", "modprobe", "depmod", "modinfo", "sim", "ksyms", "params", "help")) {
            assertTrue(out.contains("\n  " + c + " "), c + " listed:\n" + out);
        }
        assertTrue(out.endsWith("[exit 2]\n"), out);
    }

    @Test
    void helpNamesACommand() {
        String out = InProcess.run(List.of("help", "insmod"));
        assertTrue(out.startsWith("Usage: modkit insmod "), out);
        assertTrue(out.contains("--at-sections=DIR|FILE"), out);
    }

    @Test
    void benchTakesDebugAsItsErrorSays() {
        String out = InProcess.run(List.of("bench", "--debug", tmp.resolve("none").toString()));
        assertTrue(out.startsWith("bench: error: "), out);
        assertTrue(!out.contains("Unknown option"), out);
    }

    @Test
    void simBootSaysWhatItDrops() {
        String root = tmp.resolve("state").toString();
        InProcess.run(List.of("sim", "boot", "--root", root));
        assertEquals("", InProcess.run(List.of("insmod", "--root", root,
                TestPaths.testdata().resolve("objects/x86_64/mk_params.ko").toString())));
        String out = InProcess.run(List.of("sim", "boot", "--root", root));
        assertTrue(out.startsWith("sim: the 1 module loaded in the previous kernel is gone: mk_params\nbooted "), out);
    }

    /** The hint of a refused rmmod, followed, removes the module. */
    @Test
    void rmmodHintWorks() {
        String root = tmp.resolve("state").toString();
        InProcess.run(List.of("sim", "boot", "--root", root));
        for (String m : List.of("mk_exporter", "mk_importer", "mk_nsimport")) {
            InProcess.run(List.of("insmod", "--root", root, TestPaths.testdata().resolve("objects/x86_64/" + m + ".ko").toString()));
        }
        String refused = InProcess.run(List.of("rmmod", "--root", root, "mk_exporter"));
        assertEquals("""
                rmmod: error: Module mk_exporter is in use by: mk_nsimport mk_importer
                  hint: remove its users first: rmmod mk_nsimport mk_importer mk_exporter
                [exit 1]
                """, refused);
        String hint = refused.lines().filter(l -> l.startsWith("  hint: ")).findFirst().orElseThrow();
        List<String> cmd = new java.util.ArrayList<>(List.of(hint.substring(hint.indexOf("rmmod ")).split(" ")));
        cmd.add(1, "--root");
        cmd.add(2, root);
        assertEquals("", InProcess.run(cmd));
        assertEquals("Module                  Size  Used by\n", InProcess.run(List.of("lsmod", "--root", root)));
    }

    /** Unknown symbols of a module built against no other module: no module can bring them. */
    @Test
    void unknownSymbolsHintSaysWhereTheyCouldComeFrom() {
        String root = tmp.resolve("state").toString();
        InProcess.run(List.of("sim", "boot", "--root", root));
        String missing = InProcess.run(List.of("insmod", "-n", "--kernel", TestPaths.testdata().resolve("profiles/x86_64-test.profile").toString(),
                TestPaths.testdata().resolve("objects/x86_64/bad-missing.o").toString()));
        assertTrue(missing.contains("\n  hint: it was built against no other module, and the kernel 6.1.0-test does not export them:"
                + " rebuild it against this kernel\n"), missing);
        String importer = InProcess.run(List.of("insmod", "--root", root, TestPaths.testdata().resolve("objects/x86_64/mk_importer.ko").toString()));
        assertTrue(importer.contains("\n  hint: load the modules it was built against first (mk_exporter), or run: modprobe mk_importer\n"), importer);
    }
}
