package modkit.testdata.kmodsuite;

import modkit.command.Captured;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import modkit.cli.Modkit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kmod's insert and remove cases, through our insmod, rmmod and lsmod on a simulated kernel: v34.2
 * testsuite/test-init.c test_insert and test_remove (libkmod's kmod_module_insert_module and
 * kmod_module_remove_module, which insmod and rmmod call) and the newer testsuite/test-remove.c test_remove (kmod
 * after v34.2, commit 84fa569). kmod's fake init_module and delete_module record the calls and its fake sysfs
 * drops /sys/module/NAME; the simulated kernel does the loads and removals, and lsmod and /proc/modules show them.
 */
class KmodInitSuiteTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    private Run run(String command, String... args) {
        // modkit COMMAND --root=STATE ARGS..., or modkit sim SUBCOMMAND --root=STATE
        int at = command.equals("sim") ? 2 : 1;
        String[] full = new String[args.length + 2];
        full[0] = command;
        System.arraycopy(args, 0, full, 1, at - 1);
        full[at] = "--root=" + tmp.resolve("state");
        System.arraycopy(args, at - 1, full, at + 1, args.length - (at - 1));
        Captured c = Captured.of(StandardCharsets.UTF_8, false, () -> Modkit.run(full));
        return new Run(c.exit(), c.outText(StandardCharsets.UTF_8), c.errText(StandardCharsets.UTF_8));
    }

    private static final String EMPTY_LSMOD = "Module                  Size  Used by\n";

    /** test-init.c test_insert: /mod-simple.ko of tree test-init inserted; kmod expects modules_loaded "mod_simple". */
    @Test
    void test_insert() {
        Path root = KmodTree.assemble("test-init", tmp.resolve("root"));
        Run r = run("insmod", root.resolve("mod-simple.ko").toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(EMPTY_LSMOD + "mod_simple             16384  0\n", run("lsmod").out());
    }

    /**
     * test-init.c test_remove: removing mod-simple succeeds (kmod's fake delete_module returns 0 for it: here it is
     * inserted first) and removing "bla", which is not loaded, fails with ENOENT (rmmod: "not currently loaded", exit 1).
     */
    @Test
    void test_remove() {
        Path root = KmodTree.assemble("test-remove", tmp.resolve("root"));
        assertEquals(0, run("insmod", root.resolve("mod-simple.ko").toString()).exit());
        Run removed = run("rmmod", "mod-simple");
        assertEquals(0, removed.exit(), removed.err());
        Run bla = run("rmmod", "bla");
        assertEquals(1, bla.exit());
        assertEquals("rmmod: error: Module bla is not currently loaded", bla.err().lines().findFirst().orElse(""));
        assertEquals(EMPTY_LSMOD, run("lsmod").out());
    }

    /**
     * test-remove.c (kmod after v34.2) test_remove: insert /mod-simple.ko, remove it, and /sys/module/mod_simple is
     * gone: neither lsmod nor /proc/modules lists it.
     */
    @Test
    void test_remove_drops_the_module() {
        Path root = KmodTree.assemble("test-remove", tmp.resolve("root"));
        assertEquals(0, run("insmod", root.resolve("mod-simple.ko").toString()).exit());
        assertEquals(EMPTY_LSMOD + "mod_simple             16384  0\n", run("lsmod").out());
        assertEquals("mod_simple", run("sim", "proc-modules").out().split(" ")[0]);
        Run removed = run("rmmod", root.resolve("mod-simple.ko").toString());
        assertEquals(0, removed.exit(), removed.err());
        assertEquals(EMPTY_LSMOD, run("lsmod").out());
        Run proc = run("sim", "proc-modules");
        assertEquals(0, proc.exit(), proc.err());
        assertEquals("", proc.out());
    }
}
