package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Debian's 6.1.0-56-amd64 showed when it was booted nokaslr in qemu (StateAgreementTest and
 * KernelAgreementTest compare whole sequences; each fact here is one observed value), and the simulated kernel of
 * the default profile must show too.
 */
class RealKernelFactsTest {
    @TempDir
    Path tmp;

    String root;

    @BeforeEach
    void boot() {
        root = tmp.resolve("state").toString();
        InProcess.run(List.of("sim", "boot", "--root", root));
    }

    private String run(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(args));
        cmd.add(args[0].equals("sim") ? 2 : 1, "--root");
        cmd.add(args[0].equals("sim") ? 3 : 2, root);
        return InProcess.run(cmd);
    }

    private String sample(String name) {
        return TestPaths.testdata().resolve("objects/x86_64/" + name + ".ko").toString();
    }

    /**
     * The first module lands at 0xffffffffc0201000 (2 MiB and a guard page into the module area); the next one
     * after its core and the guard page that follows it, in the init memory the first freed: crc32c_generic at
     * 0xffffffffc0201000 (core 16 KiB), libcrc32c at 0xffffffffc0206000.
     */
    @Test
    void firstAddressGuardPageAndFreedInitMemory() {
        Path corpus = TestPaths.corpus("amd64-6.1");
        assertEquals("", run("insmod", corpus.resolve("kernel/crypto/crc32c_generic.ko").toString()));
        assertEquals("", run("insmod", corpus.resolve("kernel/lib/libcrc32c.ko").toString()));
        assertEquals("""
                libcrc32c 16384 0 - Live 0xffffffffc0206000
                crc32c_generic 16384 0 - Live 0xffffffffc0201000
                """, run("sim", "proc-modules"));
    }

    /** /proc/modules lists a module's users newest first: "mk_exporter 16384 2 mk_nsimport,mk_importer,". */
    @Test
    void usedByNewestFirst() {
        for (String m : List.of("mk_exporter", "mk_importer", "mk_nsimport")) {
            assertEquals("", run("insmod", sample(m)));
        }
        String proc = run("sim", "proc-modules");
        assertTrue(proc.contains("\nmk_exporter 16384 2 mk_nsimport,mk_importer, Live 0xffffffffc0201000 (OE)\n"), proc);
        // kmod's lsmod prints them as sysfs lists /sys/module/mk_exporter/holders.
        assertTrue(run("lsmod").contains("\nmk_exporter            16384  2 mk_importer,mk_nsimport\n"));
    }

    /** A proprietary module whose load fails on a GPL-only symbol leaves the taint P: 12289 (P, O, E) after mk_proprietary. */
    @Test
    void failedProprietaryLoadTaints() {
        assertTrue(run("insmod", sample("mk_proprietary")).contains("[exit 1]"));
        assertEquals("12289 Tainted: P           OE     \n", run("sim", "tainted"));
        assertEquals("", run("sim", "proc-modules"));
    }

    /** Per-cpu data goes to the per-cpu reserve for modules (from __per_cpu_end, 0x35000), not to module memory. */
    @Test
    void perCpuDataInThePerCpuArea() {
        String map = run("insmod", "-n", "--map-json", "-", sample("mk_percpu"));
        assertTrue(map.contains("{\"name\": \"core\", \"address\": \"0xffffffffc0201000\""), map);
        assertTrue(map.contains("{\"name\": \"percpu\", \"address\": \"0x35000\", \"size\": \"0x10\"}"), map);
    }
}
