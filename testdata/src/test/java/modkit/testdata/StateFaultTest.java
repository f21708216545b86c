package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import modkit.cli.Modkit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults around the simulated kernel's state file: damage, a directory the user cannot write, a full file system,
 * a boot or a load killed at any moment. Each ends in one error line with exit 1 (never 70, never a stack
 * trace), and the state is what it was before the command, or what a completed command leaves.
 */
class StateFaultTest {
    private static final Path LAUNCHER = TestPaths.testdata().getParent().resolve("bin/modkit").toAbsolutePath();

    @TempDir
    Path tmp;

    private static String ko(String name) {
        return TestPaths.testdata().resolve("objects/x86_64/" + name + ".ko").toString();
    }

    private Path bootWithModule() {
        Path root = tmp.resolve("state");
        assertEquals(0, Modkit.run("sim", "boot", "--root", root.toString()));
        assertEquals(0, Modkit.run("insmod", "--root", root.toString(), ko("mk_params")));
        return root;
    }

    private static String lsmod(Path root) {
        return InProcess.run(List.of("lsmod", "--root", root.toString()));
    }

    /** Every command on a damaged state says so in one error line and its hint, and exits 1. */
    private static void assertDamaged(Path root, String reason) {
        String db = root.resolve("kernel.db").toString();
        for (List<String> cmd : List.of(List.of("lsmod"), List.of("rmmod", "mk_params"), List.of("insmod", ko("mk_percpu")),
                List.of("modkit", "sim", "proc-modules"))) {
            List<String> args = new ArrayList<>(cmd.getFirst().equals("modkit") ? cmd.subList(1, cmd.size()) : cmd);
            args.add("--root");
            args.add(root.toString());
            String tool = cmd.getFirst().equals("modkit") ? "sim" : cmd.getFirst();
            assertEquals(tool + ": error: " + db + ": the simulated kernel's state is damaged: " + reason + "\n"
                    + "  hint: start a fresh kernel with: modkit sim boot --root " + root + " (its loaded modules are not kept)\n"
                    + "[exit 1]\n", InProcess.run(args), String.join(" ", cmd));
        }
    }

    @Test
    void aTruncatedStateIsReportedAsDamagedAndBootStartsAfresh() throws IOException {
        Path root = bootWithModule();
        Path db = root.resolve("kernel.db");
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            f.setLength(8192);
        }
        assertDamaged(root, "database disk image is malformed (SQLITE_CORRUPT)");
        assertEquals(0, Modkit.run("sim", "boot", "--root", root.toString()));
        assertEquals("Module                  Size  Used by\n", lsmod(root));
    }

    @Test
    void anEmptyOrForeignFileIsReportedAsDamaged() throws IOException {
        Path root = bootWithModule();
        Files.write(root.resolve("kernel.db"), new byte[0]);
        assertDamaged(root, "the file is empty");
        Files.writeString(root.resolve("kernel.db"), "not a database, but a text file long enough to have a header\n".repeat(10));
        assertDamaged(root, "file is not a database (SQLITE_NOTADB)");
    }

    @Test
    void overwrittenPagesAreReportedAsDamaged() throws IOException {
        Path root = bootWithModule();
        byte[] junk = new byte[3000];
        new Random(7).nextBytes(junk);
        try (RandomAccessFile f = new RandomAccessFile(root.resolve("kernel.db").toFile(), "rw")) {
            f.seek(20_000);
            f.write(junk);
        }
        assertDamaged(root, "database disk image is malformed (SQLITE_CORRUPT)");
    }

    @Test
    void aBootKilledBeforeItFinishedLeavesTheOldStateInPlace() throws IOException {
        Path root = bootWithModule();
        // what a boot killed while writing leaves: its unfinished file beside the state
        Files.writeString(root.resolve("kernel.db.boot"), "half a database");
        assertEquals("Module                  Size  Used by\nmk_params              16384  0\n", lsmod(root));
        assertEquals(0, Modkit.run("sim", "boot", "--root", root.toString()));
        assertEquals("Module                  Size  Used by\n", lsmod(root));
        assertFalse(Files.exists(root.resolve("kernel.db.boot")));
    }

    /** The user cannot write the state: reading still works, a change fails in one line and changes nothing. */
    @Test
    void aStateTheUserCannotWriteIsReadButNotChanged() throws Exception {
        Path root = bootWithModule();
        String before = lsmod(root);
        if (!isRoot()) {
            Files.setPosixFilePermissions(root.resolve("kernel.db"), java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
            Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
            try {
                assertEquals(before, lsmod(root));
                String out = InProcess.run(List.of("rmmod", "--root", root.toString(), "mk_params"));
                assertTrue(out.startsWith("rmmod: error: " + root.resolve("kernel.db")
                        + ": cannot change the simulated kernel's state: attempt to write a readonly database"), out);
            } finally {
                Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.setPosixFilePermissions(root.resolve("kernel.db"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
        } else {
            // root writes any file: run the commands as nobody, in processes of their own
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux) to drop root");
            assumeTrue(asNobody(List.of("--version")).startsWith("modkit"), "nobody cannot run " + LAUNCHER + " here");
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            assertEquals(before, asNobody(List.of("lsmod", "--root", root.toString())));
            String out = asNobody(List.of("rmmod", "--root", root.toString(), "mk_params"));
            assertEquals("rmmod: error: " + root.resolve("kernel.db") + ": cannot change the simulated kernel's state:"
                    + " attempt to write a readonly database (SQLITE_READONLY); nothing was changed\n"
                    + "  hint: the directory " + root + " and its files must be writable by you;"
                    + " or use a state of your own: --root DIR or MODKIT_ROOT\n[exit 1]\n", out);
            String fresh = asNobody(List.of("lsmod", "--root", root.resolve("sub").toString()));
            assertEquals("lsmod: error: " + root.resolve("sub") + ": cannot create the simulated kernel's state: "
                    + root.resolve("sub") + ": permission denied\n"
                    + "  hint: use a state directory you can write: --root DIR or MODKIT_ROOT\n[exit 1]\n", fresh);
        }
        assertEquals(before, lsmod(root));
    }

    /** A full file system: the load and the unload fail in one line each, and the state is as before. */
    @Test
    void aFullFileSystemChangesNothing() throws Exception {
        assumeTrue(isRoot(), "needs root to mount a small tmpfs");
        Path mnt = Files.createDirectories(tmp.resolve("small"));
        assumeTrue(sh("mount", "-t", "tmpfs", "-o", "size=1200k", "tmpfs", mnt.toString()) == 0, "cannot mount a tmpfs here");
        try {
            Path root = mnt.resolve("state");
            assertEquals(0, Modkit.run("sim", "boot", "--root", root.toString()));
            assertEquals(0, Modkit.run("insmod", "--root", root.toString(), ko("mk_params")));
            String before = lsmod(root);
            fill(mnt.resolve("fill"));
            String full = root.resolve("kernel.db") + ": the file system is full: database or disk is full (SQLITE_FULL);"
                    + " nothing was changed\n  hint: free some space where " + root + " is, and run the command again\n[exit 1]\n";
            assertEquals("insmod: error: " + full, InProcess.run(List.of("insmod", "--root", root.toString(), ko("mk_percpu"))));
            assertEquals("rmmod: error: " + full, InProcess.run(List.of("rmmod", "--root", root.toString(), "mk_params")));
            assertEquals(before, lsmod(root));
            Files.delete(mnt.resolve("fill"));
            assertEquals("", InProcess.run(List.of("insmod", "--root", root.toString(), ko("mk_percpu"))));
            assertEquals("", InProcess.run(List.of("rmmod", "--root", root.toString(), "mk_params")));
            assertEquals("Module                  Size  Used by\nmk_percpu              16384  0\n", lsmod(root));
        } finally {
            sh("umount", mnt.toString());
        }
    }

    /**
     * A load killed at any moment (SIGKILL, from the JVM's start to after its end): the next command sees the module
     * either loaded or not at all, never half, and a second load then behaves as on a clean state.
     */
    @Test
    void aLoadKilledAtAnyMomentLeavesTheModuleWholeOrAbsent() throws Exception {
        Path root = tmp.resolve("state");
        assertEquals(0, Modkit.run("sim", "boot", "--root", root.toString()));
        String empty = "Module                  Size  Used by\n";
        String loaded = empty + "mk_params              16384  0\n";
        List<String> insmod = List.of("insmod", "--root", root.toString(), ko("mk_params"));
        // How long a whole load takes in its own JVM on this machine now: the kills are spread over that time.
        long start = System.nanoTime();
        Process whole = SeparateJvm.start(insmod, tmp.resolve("whole.out"));
        assertTrue(whole.waitFor(120, TimeUnit.SECONDS));
        long took = (System.nanoTime() - start) / 1_000_000;
        assertEquals(loaded, lsmod(root));
        assertEquals("", InProcess.run(List.of("rmmod", "--root", root.toString(), "mk_params")));
        int steps = 12;
        int loadedWhenKilled = 0;
        for (int i = 0; i <= steps; i++) {
            long delay = took * i / steps;
            Process p = SeparateJvm.start(insmod, tmp.resolve("killed.out"));
            Thread.sleep(delay);
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            String after = lsmod(root).replaceAll("(?m)^modkit: recovered: .*\n", "");
            if (after.equals(loaded)) {
                loadedWhenKilled++;
                assertEquals("", InProcess.run(List.of("rmmod", "--root", root.toString(), "mk_params")));
            } else {
                assertEquals(empty, after, "killed after " + delay + " of " + took + " ms");
            }
            assertEquals(empty, lsmod(root));
        }
        // (how many kills came after the commit depends on the machine's load; every one left a whole state)
        System.out.println("killed 13 loads over " + took + " ms: " + loadedWhenKilled + " had committed");
        assertEquals("", InProcess.run(insmod));
        assertEquals(loaded, lsmod(root));
    }

    private static boolean isRoot() throws IOException {
        return Files.readString(Path.of("/proc/self/status")).lines()
                .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
    }

    private String asNobody(List<String> args) throws Exception {
        // (the launcher and the jars the build put beside it: the test class path is in root's Maven repository)
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "env", "JAVA_HOME=" + System.getProperty("java.home"), LAUNCHER.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        return out + (rc == 0 ? "" : "[exit " + rc + "]\n");
    }

    private static int sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    private static void fill(Path file) throws IOException {
        byte[] block = new byte[4096];
        try (var out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException e) {
            // ENOSPC: the file system is full now
        }
    }
}
