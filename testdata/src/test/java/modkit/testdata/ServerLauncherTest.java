package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resident server as users meet it: bin/modkit server start, then the same commands through bin/ with the
 * server and without it (MODKIT_SERVER=0), each pair from directories laid out alike and with relative paths: what
 * they print on each stream, their exit codes and the files they write must be the same.
 */
class ServerLauncherTest {
    private static final String RELEASE = "1.0.0-test";

    @TempDir
    Path tmp;

    private Map<String, String> env;

    private record Result(int exit, String out, String err) {}

    @AfterEach
    void stopServer() throws Exception {
        if (env != null) {
            run(tmp, null, "modkit", "server", "stop");
        }
    }

    @Test
    void commandsThroughTheServerDoWhatTheyDoInTheirOwnJvm() throws Exception {
        Path client = TestPaths.project().resolve("cli/target/modkit-client");
        boolean cc = Files.isExecutable(Path.of("/usr/bin/cc")) || Files.isExecutable(Path.of("/usr/bin/gcc"));
        assumeTrue(cc || Files.isExecutable(client), "no C compiler: the build made no modkit-client");
        assertTrue(Files.isExecutable(client), "the build has a C compiler but made no " + client);
        env = Map.of("XDG_RUNTIME_DIR", Files.createDirectory(tmp.resolve("run")).toString(), "MODKIT_ROOT", "work/state",
                "LC_ALL", "C.UTF-8");
        Result start = run(tmp, null, "modkit", "server", "start", "--idle", "300");
        assertEquals(0, start.exit(), start.err());
        assertTrue(start.out().startsWith("modkit server: started, socket " + tmp.resolve("run/modkit/server-")), start.out());

        Path[] dirs = {tmp.resolve("with server"), tmp.resolve("own jvm")};
        for (Path d : dirs) {
            lay(d);
        }
        String bin = TestPaths.project().resolve("bin").toString();
        List<String[]> commands = List.of(
                new String[] {"modkit", "sim", "boot"},
                new String[] {"insmod", "mk_exporter.ko"},
                new String[] {"lsmod"},
                new String[] {"modinfo", "mk_params.ko"},
                new String[] {"modinfo", "no_such_module"},
                new String[] {"lsmod", "--no-such-option"},
                new String[] {"depmod", "-b", "root", RELEASE},
                new String[] {"depmod", "-n", "-b", "root", RELEASE},
                new String[] {"modprobe", "-d", "root", "-S", RELEASE, "--show-depends", "mk_importer"},
                // An install command that runs modprobe: under the server it must run in a JVM of its own, not wait
                // for the server that waits for it.
                new String[] {"modprobe", "-C", "conf", "-d", "root", "-S", RELEASE, "mk_params"},
                new String[] {"modkit", "sim", "proc-modules"},
                new String[] {"rmmod", "mk_exporter"},
                new String[] {"lsmod"});
        for (String[] c : commands) {
            Result[] r = new Result[2];
            for (int i = 0; i < 2; i++) {
                Files.writeString(dirs[i].resolve("conf/install.conf"), "install mk_params echo installing $MODPROBE_MODULE;"
                        + " " + bin + "/modprobe -d root -S " + RELEASE + " --show-depends mk_importer\n");
                Result raw = run(dirs[i], i == 0 ? null : "0", c[0], java.util.Arrays.copyOfRange(c, 1, c.length));
                // (absolute paths name the directory each ran in)
                r[i] = new Result(raw.exit(), raw.out().replace(dirs[i].toString(), "DIR"),
                        raw.err().replace(dirs[i].toString(), "DIR"));
            }
            String what = String.join(" ", c);
            assertEquals(r[1], r[0], what);
        }
        // The simulated kernel's state is where MODKIT_ROOT (relative) put it, in each directory.
        assertTrue(Files.isRegularFile(dirs[0].resolve("work/state/kernel.db")), "no state in " + dirs[0]);
        assertTrue(Files.readString(dirs[0].resolve("root/lib/modules/" + RELEASE + "/modules.dep"))
                .contains("mk_importer.ko: kernel/mk_exporter.ko"));
        for (String f : List.of("modules.dep", "modules.alias", "modules.symbols", "modules.dep.bin")) {
            Path dir = Path.of("root/lib/modules", RELEASE, f);
            assertEquals(Files.mismatch(dirs[0].resolve(dir), dirs[1].resolve(dir)), -1L, f + " differs");
        }

        // They did go through the server: it counts them.
        assertEquals(commands.size(), served());

        // The two streams in the order written, through one pipe; the umask; a directory named in UTF-8.
        int before = served();
        Path utf8Dir = Files.createDirectories(tmp.resolve("m\u00f3dulos"));
        Files.copy(TestPaths.testdata().resolve("objects/x86_64/mk_params.ko"), utf8Dir.resolve("mk_params.ko"));
        for (Path d : new Path[] {dirs[0], utf8Dir}) {
            Result[] merged = new Result[2];
            for (int i = 0; i < 2; i++) {
                merged[i] = run(d, i == 0 ? null : "0", true, "modinfo", "mk_params.ko", "no_such_module");
            }
            assertEquals(merged[1], merged[0], "merged streams in " + d);
            assertTrue(merged[0].out().indexOf("filename:") < merged[0].out().indexOf("ERROR"), merged[0].out());
        }
        // In an ASCII locale the client does not send the server a name it would read back otherwise: its own JVM.
        Result[] ascii = new Result[2];
        for (int i = 0; i < 2; i++) {
            ascii[i] = run(utf8Dir, i == 0 ? null : "0", true, "sh", "-c",
                    "LC_ALL=C exec " + bin + "/modinfo -F name mk_params.ko");
        }
        // (whatever that JVM makes of a directory it cannot decode: modinfo does not find the file today)
        assertEquals(ascii[1], ascii[0]);
        for (int i = 0; i < 2; i++) {
            Result r = run(dirs[i], i == 0 ? null : "0", false, "sh", "-c",
                    "umask 077 && exec " + bin + "/depmod -b root " + RELEASE);
            assertEquals(0, r.exit(), r.err());
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    dirs[i].resolve("root/lib/modules/" + RELEASE + "/modules.dep"))));
        }
        // status is the server's own even where MODKIT_SERVER=0 keeps commands out of it
        assertTrue(run(tmp, "0", "modkit", "server", "status").out().startsWith("modkit server: running"));
        assertEquals(before + 3, served(), "the two merged runs and the umask run, not the ASCII one");

        // depmod over a whole distribution's tree (500 modules or more in modules.order) runs in a JVM of its own,
        // unless MODKIT_SERVER=1 asks for the server.
        Path order = dirs[0].resolve("root/lib/modules/" + RELEASE + "/modules.order");
        StringBuilder many = new StringBuilder(Files.readString(order));
        for (int i = 0; i < 500; i++) {
            many.append("kernel/not_here_").append(i).append(".ko\n");
        }
        Files.writeString(order, many);
        assertEquals(0, run(dirs[0], null, "depmod", "-b", "root", RELEASE).exit());
        assertEquals(before + 3, served());
        assertEquals(0, run(dirs[0], "1", "depmod", "-b", "root", RELEASE).exit());
        assertEquals(before + 4, served());

        Result stop = run(tmp, null, "modkit", "server", "stop");
        assertTrue(stop.out().startsWith("modkit server: stopped"), stop.out());
        Result after = run(tmp, null, "modkit", "server", "status");
        assertEquals(3, after.exit());
        assertEquals("modkit server: not running (or busy with a long command for more than 2 s)\n", after.out());
        env = null;
    }

    /** How many commands the running server says it has served. */
    private int served() throws Exception {
        Result status = run(tmp, null, "modkit", "server", "status");
        assertEquals(0, status.exit(), status.err());
        Matcher m = Pattern.compile("(\\d+) commands served").matcher(status.out());
        assertTrue(m.find(), status.out());
        return Integer.parseInt(m.group(1));
    }

    /** A work directory: the sample modules, a module tree of them, an install command's config. */
    private static void lay(Path dir) throws Exception {
        Path objects = TestPaths.testdata().resolve("objects/x86_64");
        Path tree = Files.createDirectories(dir.resolve("root/lib/modules/" + RELEASE + "/kernel"));
        for (String m : List.of("mk_exporter.ko", "mk_importer.ko", "mk_params.ko")) {
            Files.copy(objects.resolve(m), dir.resolve(m));
            Files.copy(objects.resolve(m), tree.resolve(m));
        }
        Path release = tree.getParent();
        Files.writeString(release.resolve("modules.order"), "kernel/mk_exporter.ko\nkernel/mk_importer.ko\nkernel/mk_params.ko\n");
        Files.writeString(release.resolve("modules.builtin"), "");
        Files.writeString(release.resolve("modules.builtin.modinfo"), "");
        Files.createDirectories(dir.resolve("conf"));
    }

    /** Runs bin/TOOL in {@code dir} with the test's environment, MODKIT_SERVER set to {@code server} (null: unset). */
    private Result run(Path dir, String server, String tool, String... args) throws Exception {
        return run(dir, server, false, tool, args);
    }

    /** The same; with {@code merged}, stderr goes into stdout's pipe; "sh" is run as itself, not from bin/. */
    private Result run(Path dir, String server, boolean merged, String tool, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool.equals("sh") ? "/bin/sh" : TestPaths.project().resolve("bin").resolve(tool).toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(merged);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MODKIT_SERVER");
        pb.environment().remove("MODKIT_JAVA_OPTS");
        pb.environment().putAll(env);
        if (server != null) {
            pb.environment().put("MODKIT_SERVER", server);
        }
        Process p = pb.start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + cmd);
        return new Result(p.exitValue(), out, new String(err.get(60, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }
}
