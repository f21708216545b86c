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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import modkit.elf.ModuleNames;
import modkit.testdata.InProcess;
import modkit.testdata.TestPaths;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated kernel against the real one after the same sequence of loads and unloads: Debian's 6.1.0-56-amd64
 * boots in qemu with nothing but a static busybox and the modules in its initramfs (no 9p, so no module is loaded
 * before the sequence), and runs the sequence with busybox insmod/rmmod, a second apart so that freed init memory
 * is back before the next load; then the same sequence runs on a freshly booted simulated kernel of the default
 * profile. /proc/modules (addresses included: nokaslr), the taint mask, kmod's lsmod and each step's success must
 * agree. What module code does when it runs the simulated kernel cannot know, so the replay says it: mk_failinit's
 * init returns -ENODEV ({@code sim fail-init}), and libcrc32c's init takes a reference on crc32c_generic through
 * the crypto API ({@code sim get}).
 */
class StateAgreementTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    /**
     * One step: insmod FILE [PARAMS], rmmod NAME, or, for the simulated kernel alone, "sim ARGS" (what the module's
     * code would do: params holds ARGS).
     */
    record Step(String command, Path file, String params, String name) {
        String shell(Path base) {
            return command.equals("rmmod") ? "rmmod " + name
                    : "insmod /m/" + base.relativize(file) + (params.isEmpty() ? "" : " " + params);
        }
    }

    static final List<Step> steps = new ArrayList<>();
    static Path corpus;
    static Path samples;
    static Map<String, List<String>> real;

    @BeforeAll
    static void runOnTheRealKernel() throws Exception {
        Path kernel = TestPaths.kernel("amd64-6.1.0-56");
        corpus = TestPaths.corpus("amd64-6.1");
        String missing = QemuGuest.missing(kernel);
        assumeTrue(missing == null, "real-kernel tests skipped: " + missing);
        samples = TestPaths.testdata().resolve("objects/x86_64").toAbsolutePath();
        sequence();
        Path work = TestPaths.testdata().resolve("target/state").toAbsolutePath();
        RealKernelTest.clean(work);
        long start = System.nanoTime();
        boolean finished = QemuGuest.boot(kernel, work, initramfs(), List.of(), TIMEOUT);
        System.out.printf("real kernel: state guest ran %.0f s%n", (System.nanoTime() - start) / 1e9);
        String console = RealKernelTest.read(work.resolve("console.log")).replace("\r", "");
        assertTrue(finished && console.contains("MODKIT-END"), "the state guest did not finish:\n" + RealKernelTest.tail(console));
        real = sections(console);
        for (Map.Entry<String, List<String>> e : real.entrySet()) {
            Files.writeString(work.resolve("real-" + e.getKey().substring("MODKIT-".length()).toLowerCase()), String.join("\n", e.getValue()) + "\n");
        }
    }

    /** Every corpus module, dependencies first; the samples, two of which fail in the kernel; some unloads and reloads. */
    static void sequence() throws IOException {
        for (String m : LoadOrder.of(corpus.resolve("expected-kmod/modules.dep"))) {
            insmod(corpus.resolve(m), "");
            if (m.endsWith("/libcrc32c.ko")) {
                sim("get crc32c_generic"); // libcrc32c's init holds the crc32c algorithm, and so its module
            }
        }
        for (String s : List.of("mk_exporter", "mk_importer", "mk_nsimport")) {
            insmod(samples.resolve(s + ".ko"), "");
        }
        insmod(samples.resolve("mk_params.ko"), "p_int=7 p_string=guest");
        sim("fail-init mk_failinit ENODEV");
        insmod(samples.resolve("mk_failinit.ko"), ""); // init returns -ENODEV: the half-init path
        insmod(samples.resolve("mk_proprietary.ko"), ""); // GPL-only symbol: fails after the licence tainted P
        rmmod("mk_importer");
        rmmod("dummy");
        insmod(corpus.resolve("kernel/drivers/net/dummy.ko"), "");
        rmmod("snd_aloop");
        insmod(samples.resolve("mk_strings.ko"), "");
        insmod(samples.resolve("mk_jumptable.ko"), "");
        insmod(samples.resolve("mk_percpu.ko"), ""); // per-cpu data in the per-cpu area, not in module memory
    }

    private static void insmod(Path file, String params) {
        steps.add(new Step("insmod", file, params, ModuleNames.fromPath(file.toString())));
    }

    private static void rmmod(String name) {
        steps.add(new Step("rmmod", null, "", name));
    }

    private static void sim(String args) {
        steps.add(new Step("sim", null, args, args.split(" ")[1]));
    }

    private static List<Step> kernelSteps() {
        return steps.stream().filter(s -> !s.command().equals("sim")).toList();
    }

    private static byte[] initramfs() throws IOException {
        Initramfs cpio = QemuGuest.busyboxInitramfs("m");
        Set<String> dirs = new LinkedHashSet<>();
        for (Step s : steps) {
            if (s.file() != null) {
                Path base = s.file().startsWith(corpus) ? corpus : samples.getParent();
                Path rel = base.relativize(s.file());
                for (Path p = rel.getParent(); p != null; p = p.getParent()) {
                    dirs.add(p.toString());
                }
            }
        }
        dirs.stream().sorted().forEach(d -> cpio.directory("m/" + d));
        Set<Path> files = new LinkedHashSet<>();
        steps.stream().filter(s -> s.file() != null).forEach(s -> files.add(s.file()));
        for (Path f : files) {
            Path base = f.startsWith(corpus) ? corpus : samples.getParent();
            cpio.file("m/" + base.relativize(f), 0644, Files.readAllBytes(f));
        }
        StringBuilder init = new StringBuilder("""
                #!/bin/busybox sh
                /bin/busybox --install -s /bin
                mount -t proc proc /proc
                mount -t sysfs sys /sys
                mount -t devtmpfs dev /dev
                step() { "$@" >/dev/null 2>&1; echo "MODKIT-STEP $? $*"; sleep 1; }
                echo MODKIT-STEPS
                """);
        for (Step s : kernelSteps()) {
            Path base = s.file() != null && s.file().startsWith(corpus) ? corpus : samples.getParent();
            init.append("step ").append(s.shell(base)).append('\n');
        }
        init.append("""
                echo MODKIT-PROC-MODULES
                cat /proc/modules
                echo MODKIT-TAINTED
                cat /proc/sys/kernel/tainted
                echo MODKIT-SYSFS
                for m in $(cut -d' ' -f1 /proc/modules); do
                  echo "$m $(cat /sys/module/$m/coresize) $(cat /sys/module/$m/refcnt) $(find /sys/module/$m/holders -mindepth 1 -maxdepth 1 | sed 's|.*/||' | tr '\\n' ',' | sed 's/,$//')"
                done
                echo MODKIT-END
                poweroff -f
                """);
        cpio.file("init", 0755, init.toString().getBytes(StandardCharsets.UTF_8));
        return cpio.finish();
    }

    /** The console's MODKIT-* sections, each a list of lines. */
    private static Map<String, List<String>> sections(String console) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> current = null;
        for (String raw : console.split("\n")) {
            int marker = raw.indexOf("MODKIT-");
            String line = marker > 0 ? raw.substring(marker) : raw; // the first follows the terminal's reset codes
            if (line.startsWith("MODKIT-") && !line.startsWith("MODKIT-STEP ")) {
                current = new ArrayList<>();
                out.put(line.trim(), current);
            } else if (current != null && line.startsWith("MODKIT-STEP ")) {
                current.add(line);
            } else if (current != null && !line.isBlank() && !line.startsWith("[")) {
                current.add(line);
            }
        }
        return out;
    }

    /** The same sequence on a simulated kernel of the default profile: each step's exit, then its views. */
    private static Map<String, String> simulate(Path root) {
        Map<String, String> out = new LinkedHashMap<>();
        String r = root.toString();
        InProcess.run(List.of("sim", "boot", "--root", r));
        StringBuilder stepsOut = new StringBuilder();
        for (Step s : steps) {
            if (s.command().equals("sim")) {
                List<String> cmd = new ArrayList<>(List.of("sim"));
                cmd.addAll(List.of(s.params().split(" ")));
                cmd.addAll(List.of("--root", r));
                InProcess.run(cmd);
                continue;
            }
            List<String> cmd = new ArrayList<>(s.command().equals("rmmod") ? List.of("rmmod", "--root", r, s.name())
                    : List.of("insmod", "--root", r, s.file().toString()));
            if (!s.params().isEmpty()) {
                cmd.addAll(List.of(s.params().split(" ")));
            }
            String o = InProcess.run(cmd);
            stepsOut.append(o.contains("[exit ") ? "fails" : "ok").append(' ').append(s.command()).append(' ').append(s.name()).append('\n');
        }
        out.put("steps", stepsOut.toString());
        out.put("proc-modules", InProcess.run(List.of("sim", "proc-modules", "--root", r)));
        out.put("tainted", InProcess.run(List.of("sim", "tainted", "--root", r)).split(" ")[0] + "\n");
        out.put("lsmod", InProcess.run(List.of("lsmod", "--root", r)));
        // For review: diff testdata/target/state/real-* testdata/target/state/sim-*
        out.forEach((k, v) -> {
            try {
                Files.writeString(TestPaths.testdata().resolve("target/state/sim-" + k), v);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return out;
    }

    @TempDir
    Path tmp;

    @Test
    void eachStepSucceedsOrFailsAsOnTheRealKernel() {
        StringBuilder want = new StringBuilder();
        List<String> lines = real.get("MODKIT-STEPS");
        List<Step> kernel = kernelSteps();
        for (int i = 0; i < kernel.size(); i++) {
            Step s = kernel.get(i);
            want.append(lines.get(i).startsWith("MODKIT-STEP 0 ") ? "ok" : "fails").append(' ').append(s.command()).append(' ')
                    .append(s.name()).append('\n');
        }
        assertEquals(want.toString(), simulate(tmp).get("steps"));
    }

    @Test
    void procModulesTaintAndLsmodAreTheRealKernels() {
        Map<String, String> sim = simulate(tmp);
        assertEquals(String.join("\n", real.get("MODKIT-PROC-MODULES")) + "\n", sim.get("proc-modules"), "sim proc-modules vs /proc/modules");
        assertEquals(real.get("MODKIT-TAINTED").getFirst().trim() + "\n", sim.get("tainted"), "sim tainted vs /proc/sys/kernel/tainted");
        StringBuilder lsmod = new StringBuilder("Module                  Size  Used by\n");
        for (String line : real.get("MODKIT-SYSFS")) {
            String[] f = line.split(" ", 4);
            // kmod's lsmod: the name, /sys/module/NAME/coresize, refcnt, and the holders directory as sysfs lists it.
            lsmod.append(String.format("%-19s %8d  %d", f[0], Long.parseLong(f[1]), Integer.parseInt(f[2])));
            if (f.length > 3 && !f[3].isBlank()) {
                lsmod.append(' ').append(f[3].trim());
            }
            lsmod.append('\n');
        }
        assertEquals(lsmod.toString(), sim.get("lsmod"), "lsmod on the simulated kernel vs kmod's lsmod on the real one");
    }
}
