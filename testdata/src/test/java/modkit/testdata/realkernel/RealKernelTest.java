package modkit.testdata.realkernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import modkit.testdata.TestPaths;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The Linux backend on a real kernel: Debian's 6.1.0-56-amd64, booted in qemu (QemuGuest), plays the transcripts
 * of testdata/realkernel (RealKernelGuest) and each becomes one test here, passing when every command printed what
 * the transcript says. The transcripts assert the kernel's own state (/proc/modules, /sys/module, the taint mask,
 * kmod's lsmod) beside modkit's output. Skipped, with the reason, where qemu, a static busybox or the kernel is
 * missing.
 */
class RealKernelTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(12);

    @TestFactory
    List<DynamicTest> transcriptsOnTheRealKernel() throws Exception {
        Path kernel = TestPaths.kernel("amd64-6.1.0-56");
        Path corpus = TestPaths.corpus("amd64-6.1");
        String missing = QemuGuest.missing(kernel);
        assumeTrue(missing == null, "real-kernel tests skipped: " + missing);
        Path scenarios = TestPaths.testdata().resolve("realkernel");
        Path work = TestPaths.testdata().resolve("target/realkernel").toAbsolutePath();
        clean(work);
        RealKernelInputs.make(corpus, work.resolve("inputs"));
        QemuGuest.javaScript(work, RealKernelGuest.class, scenarios.toString(), corpus.toString(), work.toString(),
                TestPaths.project().toAbsolutePath().normalize().toString());

        long start = System.nanoTime();
        boolean finished = QemuGuest.run(kernel, work, TIMEOUT);
        System.out.printf("real kernel: guest ran %.0f s%n", (System.nanoTime() - start) / 1e9);
        String log = read(work.resolve("guest.log"));
        System.out.print(log);
        assertTrue(finished, "the guest did not finish within " + TIMEOUT + "; console: " + tail(read(work.resolve("console.log"))));
        assertTrue(Files.exists(work.resolve("done")), "the guest runner did not finish; its log:\n" + log
                + "\nconsole:\n" + tail(read(work.resolve("console.log"))));

        List<DynamicTest> tests = new ArrayList<>();
        for (String name : RealKernelGuest.names(scenarios)) {
            tests.add(DynamicTest.dynamicTest(name, () -> {
                StringBuilder expected = new StringBuilder();
                for (String line : Files.readAllLines(scenarios.resolve(name))) {
                    if (!line.startsWith("#")) {
                        expected.append(line).append('\n');
                    }
                }
                // For review: diff testdata/realkernel/NAME testdata/target/realkernel/actual/NAME
                assertEquals(expected.toString(), read(work.resolve("actual").resolve(name)), name);
            }));
        }
        return tests;
    }

    static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }

    static String tail(String s) {
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }

    static void clean(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
