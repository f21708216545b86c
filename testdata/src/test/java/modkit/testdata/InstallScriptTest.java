package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/install.sh over what the build made in cli/target (man pages, completion; this module is built after cli):
 * the files land under the prefix, the wrappers run this checkout, and man finds the pages there.
 */
class InstallScriptTest {
    private record Result(int exit, String out) {}

    private static Result run(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    @Test
    void installsPagesCompletionAndWrappersUnderThePrefix(@TempDir Path prefix) throws Exception {
        String script = TestPaths.project().resolve("scripts/install.sh").toString();
        Result r = run(Map.of(), "sh", script, prefix.toString());
        assertEquals(0, r.exit(), r.out());
        assertTrue(Files.isExecutable(prefix.resolve("bin/modkit")), r.out());
        assertFalse(Files.exists(prefix.resolve("bin/insmod")), "tool links only with --links");
        for (String page : List.of("insmod", "rmmod", "lsmod", "modprobe", "depmod", "modinfo", "modkit", "modkit-ksyms")) {
            assertTrue(Files.isRegularFile(prefix.resolve("share/man/man8/" + page + ".8")), page);
        }
        for (String name : List.of("modkit", "insmod", "depmod")) {
            assertTrue(Files.readString(prefix.resolve("share/bash-completion/completions/" + name)).contains("_complete_" + name), name);
        }
        assertTrue(Files.readString(prefix.resolve("share/zsh/site-functions/_modkit")).startsWith("#compdef modkit "));

        r = run(Map.of(), "sh", script, "--links", prefix.toString());
        assertEquals(0, r.exit(), r.out());
        r = run(Map.of(), prefix.resolve("bin/insmod").toString(), "--version");
        assertEquals(new Result(0, "modkit insmod 0.1\n"), r);
        if (Files.isExecutable(Path.of("/usr/bin/man"))) {
            r = run(Map.of("MANPATH", prefix.resolve("share/man").toString()), "man", "-w", "insmod");
            assertEquals(new Result(0, prefix.resolve("share/man/man8/insmod.8") + "\n"), r);
        }
        r = run(Map.of(), "sh", script, "--bogus");
        assertEquals(2, r.exit(), r.out());
    }
}
