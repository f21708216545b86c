package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import modkit.cli.Modkit;
import modkit.kernel.ModuleEvent;
import modkit.kernel.SimulatedKernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command killed with SIGKILL in the middle of its work leaves its owner pid on the module; the next command
 * notices the owner is gone, finishes or undoes the work, and says so on stderr.
 */
class KilledCommandTest {
    @TempDir
    Path tmp;

    Path root;
    ScenarioTest.Runner runner;

    void boot() {
        root = tmp.resolve("state");
        runner = new ScenarioTest.Runner(root);
        assertEquals(0, Modkit.run("sim", "boot", "--root", root.toString()));
    }

    Process killWhen(List<String> command, String module, String state) throws Exception {
        Process p = SeparateJvm.start(runner.withRoot(command), tmp.resolve("killed.out"));
        runner.await(module, state);
        p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no rollback by the process itself
        p.waitFor(30, TimeUnit.SECONDS);
        return p;
    }

    @Test
    void insmodKilledDuringInitIsUnwoundByTheNextCommand() throws Exception {
        boot();
        String ko = TestPaths.testdata().resolve("objects/x86_64/mk_params.ko").toString();
        assertEquals(0, Modkit.run("sim", "init-delay", "--root", root.toString(), "mk_params", "60"));
        killWhen(List.of("insmod", ko), "mk_params", "Loading");

        String out = runner.normalise(InProcess.run(List.of("lsmod", "--root", root.toString())));
        assertEquals("modkit: recovered: module mk_params was left coming by process <pid>, which is gone;"
                + " unwound it as a failed init\nModule                  Size  Used by\n", out);
        assertEquals(List.of("COMING", "GOING"), events());
        // The next command has nothing left to recover, and the name is free again.
        assertEquals(0, Modkit.run("sim", "clear", "--root", root.toString(), "mk_params"));
        assertEquals("", runner.normalise(InProcess.run(List.of("insmod", "--root", root.toString(), ko))));
    }

    @Test
    void rmmodKilledDuringExitIsFinishedByTheNextCommand() throws Exception {
        boot();
        String ko = TestPaths.testdata().resolve("objects/x86_64/mk_exporter.ko").toString();
        assertEquals(0, Modkit.run("insmod", "--root", root.toString(), ko));
        assertEquals(0, Modkit.run("sim", "exit-delay", "--root", root.toString(), "mk_exporter", "60"));
        killWhen(List.of("rmmod", "mk_exporter"), "mk_exporter", "Unloading");

        String out = runner.normalise(InProcess.run(List.of("lsmod", "--root", root.toString())));
        assertEquals("modkit: recovered: module mk_exporter was left going by process <pid>, which is gone;"
                + " finished its unload\nModule                  Size  Used by\n", out);
        assertEquals(List.of("COMING", "LIVE", "GOING"), events());
    }

    List<String> events() {
        try (SimulatedKernel k = SimulatedKernel.open(root)) {
            return k.events().stream().map(ModuleEvent::event).toList();
        }
    }
}
