package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands as users start them: through bin/ and the classpath the build assembled in cli/target (this module
 * is built after cli, so that is in place). That path differs from the in-process tests in two ways the build
 * adds: the launcher's picocli has rewritten class files (scripts/ModernizeJar.java) and the JVM starts from the
 * AOT cache (scripts/aot-cache.sh).
 */
class LauncherTest {
    @TempDir
    Path tmp;

    @Test
    void insmodThenLsmodThroughTheToolLinks() throws Exception {
        Path state = tmp.resolve("state");
        Path module = TestPaths.testdata().resolve("objects/x86_64/mk_params.ko");
        Result boot = run("modkit", "sim", "boot", "--root", state.toString());
        assertEquals(0, boot.exit, boot.out);
        Result insmod = run("insmod", "--root", state.toString(), module.toString(), "p_int=2");
        assertEquals(0, insmod.exit, insmod.out);
        Result lsmod = run("lsmod", "--root", state.toString());
        assertEquals(0, lsmod.exit, lsmod.out);
        assertTrue(lsmod.out.startsWith("Module                  Size  Used by\n"), lsmod.out);
        assertTrue(lsmod.out.lines().anyMatch(l -> l.matches("mk_params +\\d+ +0")), lsmod.out);
    }

    @Test
    void usageErrorsKeepTheirExitCodeAndOneLine() throws Exception {
        Result r = run("depmod", "--no-such-option");
        assertEquals(2, r.exit, r.out);
        assertTrue(r.out.startsWith("depmod: unrecognized option '--no-such-option'\n  hint: see 'depmod --help'\n"), r.out);
    }

    /**
     * depmod over a tree whose modules.order names an .ko.xz runs on the launcher's other JVM options (no AOT cache,
     * no huge pages, one compiler thread, the class-file generator interpreted): its -n output is the plain tree's,
     * with nothing of the JVM's in it.
     */
    @Test
    void depmodOverACompressedTreePrintsWhatItDoesOverThePlainOne() throws Exception {
        Path objects = TestPaths.testdata().resolve("objects/x86_64");
        String[] plainOutputs = new String[2];
        for (int compressed = 0; compressed < 2; compressed++) {
            Path dir = tmp.resolve("root" + compressed + "/lib/modules/1.0.0-test");
            Files.createDirectories(dir.resolve("kernel"));
            String params = compressed == 1 ? "mk_params.ko.xz" : "mk_params.ko";
            Files.copy(objects.resolve(params), dir.resolve("kernel/" + params));
            Files.copy(objects.resolve("mk_exporter.ko"), dir.resolve("kernel/mk_exporter.ko"));
            Files.copy(objects.resolve("mk_importer.ko"), dir.resolve("kernel/mk_importer.ko"));
            Files.writeString(dir.resolve("modules.order"),
                    "kernel/mk_params.ko\nkernel/mk_exporter.ko\nkernel/mk_importer.ko\n");
            Files.writeString(dir.resolve("modules.builtin"), "");
            Files.writeString(dir.resolve("modules.builtin.modinfo"), "");
            Result r = run("depmod", "-n", "-b", tmp.resolve("root" + compressed).toString(), "1.0.0-test");
            assertEquals(0, r.exit, r.out);
            plainOutputs[compressed] = r.out.replace(".ko.xz", ".ko");
        }
        assertTrue(plainOutputs[1].startsWith("kernel/mk_params.ko:\nkernel/mk_exporter.ko:\n"
                + "kernel/mk_importer.ko: kernel/mk_exporter.ko\n"), plainOutputs[1]);
        assertEquals(plainOutputs[0], plainOutputs[1]);
    }

    /** The build step behind the launcher's quick start: it must not fail quietly in CI. */
    @Test
    void buildMadeTheAotCacheFromJava8ClassFiles() throws IOException {
        Path target = TestPaths.project().resolve("cli/target");
        assertTrue(Files.size(target.resolve("modkit.aot")) > 0, "no AOT cache: see cli/target/aot-cache.log");
        String log = Files.readString(target.resolve("aot-cache.log"));
        assertTrue(!log.contains("aot-training: exit"), "a training command failed:\n" + log);
        // depmod's own cache, trained on a generated tree (the build has modprobe's test classes here).
        assertTrue(Files.isRegularFile(target.resolve("depmod.aot")) && Files.size(target.resolve("depmod.aot")) > 0,
                "no depmod AOT cache: see cli/target/aot-cache.log");
        Path picocli;
        try (var s = Files.list(target.resolve("lib"))) {
            picocli = s.filter(p -> p.getFileName().toString().startsWith("picocli-")).findFirst().orElseThrow();
        }
        int oldest = Integer.MAX_VALUE;
        try (InputStream in = Files.newInputStream(picocli); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().endsWith(".class")) {
                    byte[] head = zip.readNBytes(8);
                    oldest = Math.min(oldest, ((head[6] & 0xff) << 8) | (head[7] & 0xff));
                }
            }
        }
        assertTrue(oldest >= 50, "picocli still has class files of major version " + oldest);
    }

    private record Result(int exit, String out) {}

    private Result run(String tool, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(TestPaths.project().resolve("bin").resolve(tool).toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + cmd);
        return new Result(p.exitValue(), out);
    }
}
