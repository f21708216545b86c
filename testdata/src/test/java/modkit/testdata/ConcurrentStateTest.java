package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import modkit.cli.Modkit;
import modkit.kernel.KernelSymbol;
import modkit.kernel.LoadedModule;
import modkit.kernel.ModuleEvent;
import modkit.kernel.SimulatedKernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes share one simulated kernel: each loads and unloads its own modules 200 times. The state they
 * leave must equal what the same operations give one after another in one process: the same modules (addresses
 * aside, since first-fit placement depends on the interleaving), counts, users, exports and notifier events.
 */
class ConcurrentStateTest {
    static final int ROUNDS = 200;

    @Test
    void twoProcessesLeaveTheStateASequentialRunLeaves(@TempDir Path tmp) throws Exception {
        Path td = TestPaths.testdata().resolve("objects/x86_64");
        List<String> a = List.of(td.resolve("mk_params.ko").toString(), td.resolve("mk_strings.ko").toString());
        List<String> b = List.of(td.resolve("mk_jumptable.ko").toString(), td.resolve("mk_failinit.ko").toString());

        Path shared = tmp.resolve("shared");
        assertEquals(0, Modkit.run("sim", "boot", "--root", shared.toString()));
        List<Process> procs = new ArrayList<>();
        List<Path> outs = new ArrayList<>();
        for (List<String> mods : List.of(a, b)) {
            List<String> args = new ArrayList<>(List.of(shared.toString(), Integer.toString(ROUNDS)));
            args.addAll(mods);
            Path out = tmp.resolve("loop" + procs.size() + ".out");
            outs.add(out);
            procs.add(SeparateJvm.startMain(LoadLoop.class.getName(), args, out));
        }
        for (int i = 0; i < procs.size(); i++) {
            assertTrue(procs.get(i).waitFor(10, TimeUnit.MINUTES), "loop " + i + " did not finish");
            assertEquals(0, procs.get(i).exitValue(), "loop " + i + ": " + Files.readString(outs.get(i)));
        }

        Path alone = tmp.resolve("sequential");
        assertEquals(0, Modkit.run("sim", "boot", "--root", alone.toString()));
        assertEquals(0, LoadLoop.run(alone, ROUNDS, a));
        assertEquals(0, LoadLoop.run(alone, ROUNDS, b));

        String concurrent = canonical(shared);
        assertEquals(canonical(alone), concurrent);
        assertTrue(concurrent.contains("mk_failinit COMING " + (ROUNDS + 1)), concurrent);
    }

    /** The state without addresses or times: module rows, module exports, and event counts per module. */
    static String canonical(Path root) {
        StringBuilder s = new StringBuilder();
        try (SimulatedKernel k = SimulatedKernel.open(root)) {
            List<LoadedModule> mods = new ArrayList<>(k.modules());
            mods.sort((x, y) -> x.name().compareTo(y.name()));
            for (LoadedModule m : mods) {
                s.append(m.name()).append(' ').append(m.state()).append(' ').append(m.size()).append(' ')
                        .append(m.refcnt()).append(' ').append(m.holders()).append(' ').append(m.taints()).append('\n');
            }
            for (KernelSymbol e : k.moduleExports()) {
                s.append("export ").append(e.name()).append(' ').append(e.owner()).append(' ').append(e.crc()).append('\n');
            }
            Map<String, Integer> counts = new TreeMap<>();
            for (ModuleEvent e : k.events()) {
                counts.merge(e.module() + " " + e.event(), 1, Integer::sum);
            }
            counts.forEach((key, n) -> s.append(key).append(' ').append(n).append('\n'));
            s.append("taints ").append(k.taints()).append('\n');
        }
        return s.toString();
    }
}
