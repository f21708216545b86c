package modkit.testdata.kmodsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import modkit.kernel.LoadedModule;
import modkit.kernel.ProfileFile;
import modkit.kernel.SimulatedKernel;
import modkit.testdata.InProcess;
import modkit.testdata.TestPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kmod v34.2 testsuite/test-modprobe.c modprobe_install_cmd_loop, the one modprobe case that needs a process of its
 * own: modprobe.d says {@code install mod-loop-b $MODPROBE --ignore-install mod-loop-b && { $MODPROBE --quiet
 * mod-loop-a ; }} and kmod's runner sets MODPROBE to its modprobe; {@code modprobe mod-loop-a} must break the loop
 * (mod-loop-a depends on mod-loop-b) and leave both loaded. Here MODPROBE is a script running our modprobe in a new
 * JVM over the tree (--sysroot, -S 4.4.4) and a simulated kernel; the first modprobe is one too.
 */
class KmodInstallCmdLoopSuiteTest {
    @TempDir
    Path tmp;

    @Test
    void modprobe_install_cmd_loop() throws IOException, InterruptedException {
        Path root = KmodTree.assemble("test-modprobe/install-cmd-loop", tmp.resolve("root"));
        Path state = tmp.resolve("state");
        bootWithLoopSymbols(state);

        String java = ProcessHandle.current().info().command().orElse("java");
        Path script = tmp.resolve("modprobe");
        Files.writeString(script, "#!/bin/sh\nexec '" + java + "' -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
                + " --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp '"
                + System.getProperty("java.class.path") + "' modkit.cli.Modkit modprobe --root '" + state + "' --sysroot '" + root
                + "' -S 4.4.4 \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

        Path log = tmp.resolve("out.txt");
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "mod-loop-a").redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("MODPROBE", script.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "modprobe did not finish");
        assertEquals(0, p.exitValue(), Files.readString(log));
        try (SimulatedKernel k = SimulatedKernel.open(state)) {
            assertEquals(List.of("mod_loop_a", "mod_loop_b"), k.modules().stream().map(LoadedModule::name).sorted().toList());
        }
    }

    /**
     * kmod's fake init_module loads mod-loop-a and -b whatever they need; a kernel links them only if it exports
     * printC, printF and printG (from mod-loop-c, -f and -g, which the case does not load): a kernel that has them,
     * with the CRCs the modules were built with.
     */
    private void bootWithLoopSymbols(Path state) throws IOException {
        Path b = TestPaths.testdata().resolve("kmod-testsuite/modules/mod-loop-b.ko");
        String versions = InProcess.output("modprobe", "--show-modversions", b.toString());
        StringBuilder profile = new StringBuilder(new String(ProfileFile.toBytes(ProfileFile.embeddedDefault(), false),
                StandardCharsets.UTF_8));
        long addr = 0xffffffff81f00000L;
        for (String sym : List.of("printC", "printF", "printG")) {
            Matcher m = Pattern.compile("(?m)^0x([0-9a-f]{8})\\t" + sym + "$").matcher(versions);
            assertTrue(m.find(), sym + " not in mod-loop-b's __versions:\n" + versions);
            profile.append(String.format("%x %s EXPORT_SYMBOL %s%n", addr += 0x100, m.group(1), sym));
        }
        Path p = tmp.resolve("loop.profile");
        Files.writeString(p, profile);
        SimulatedKernel.boot(state, ProfileFile.read(p)).close();
    }
}
