package modkit.testdata.realkernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import modkit.testdata.TestPaths;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * modkit's link against the real kernel's: every corpus module and the loadable samples go into Debian's
 * 6.1.0-56-amd64 in qemu (AgreementGuest), and each section's address, the module sizes and every byte of the core
 * sections outside the sites the kernel patches must equal modkit's link at the kernel's addresses.
 */
class KernelAgreementTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(12);
    static Path work;
    static Map<String, Long> totals = new LinkedHashMap<>();
    static String report;

    @BeforeAll
    static void bootAndLoadEverything() throws Exception {
        Path kernel = TestPaths.kernel("amd64-6.1.0-56");
        Path corpus = TestPaths.corpus("amd64-6.1");
        String missing = QemuGuest.missing(kernel);
        assumeTrue(missing == null, "real-kernel tests skipped: " + missing);
        work = TestPaths.testdata().resolve("target/agreement").toAbsolutePath();
        RealKernelTest.clean(work);
        QemuGuest.javaScript(work, AgreementGuest.class, corpus.toString(),
                TestPaths.testdata().resolve("objects/x86_64").toAbsolutePath().toString(), work.toString());
        long start = System.nanoTime();
        boolean finished = QemuGuest.run(kernel, work, TIMEOUT);
        System.out.printf("real kernel: agreement guest ran %.0f s%n", (System.nanoTime() - start) / 1e9);
        String log = RealKernelTest.read(work.resolve("guest.log"));
        assertTrue(finished && Files.exists(work.resolve("done")), "the agreement guest did not finish; its log:\n"
                + RealKernelTest.tail(log) + "\nconsole:\n" + RealKernelTest.tail(RealKernelTest.read(work.resolve("console.log"))));
        report = RealKernelTest.read(work.resolve("agreement.txt"));
        System.out.print(report);
        System.out.print(RealKernelTest.read(work.resolve("sequence.txt")));
        for (String line : report.split("\n")) {
            if (line.startsWith("TOTAL ")) {
                String[] f = line.split(" ");
                totals.put(f[1], Long.parseLong(f[2]));
            }
        }
    }

    @Test
    void everyLoadedModuleWasCompared() {
        assertEquals(44 + 7, totals.get("modules"), "44 corpus modules and 7 samples load and are compared");
    }

    @Test
    void everySectionIsWhereTheKernelPutIt() {
        assertEquals(0, totals.get("layout_disagreements"), report);
        assertEquals(0, totals.get("size_disagreements"), report);
    }

    /**
     * mk_percpu's per-cpu data went to the per-cpu area's reserve for modules, right after the kernel's static
     * per-cpu data (__per_cpu_end, 0x35000 on this kernel), as the simulated kernel places it.
     */
    @Test
    void perCpuDataIsWhereTheSimulatedKernelPutsIt(@org.junit.jupiter.api.io.TempDir Path root) {
        String line = report.lines().filter(l -> l.startsWith("PERCPU mk_percpu ")).findFirst().orElseThrow();
        String map = modkit.testdata.InProcess.run(java.util.List.of("insmod", "-n", "--root", root.toString(), "--map-json", "-",
                TestPaths.testdata().resolve("objects/x86_64/mk_percpu.ko").toString()));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{\"name\": \"percpu\", \"address\": \"(0x[0-9a-f]+)\"").matcher(map);
        assertTrue(m.find(), map);
        assertEquals(line, "PERCPU mk_percpu " + m.group(1));
    }

    @Test
    void everyByteOutsideThePatchSitesIsTheKernels() {
        assertTrue(totals.get("strict_bytes") > 0);
        assertEquals(0, totals.get("strict_differing"), report);
    }
}
