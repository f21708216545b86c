package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --backend}: one option on every command picks the kernel; commands of the simulated kernel refuse another
 * in one line; the Linux backend's views (lsmod, ksyms, params), read from a directory laid out as /proc and /sys
 * ({@code modkit.linux.root}), print kmod's formats.
 */
class BackendChoiceTest {
    @TempDir
    Path tmp;

    @AfterEach
    void realRootAgain() {
        System.clearProperty("modkit.linux.root");
    }

    private String run(String... args) {
        return InProcess.run(List.of(args));
    }

    @Test
    void simCommandsSayTheyAreSimOnly() {
        for (String sub : List.of("boot", "events", "proc-modules", "tainted")) {
            assertEquals("sim: error: modkit sim " + sub + " works on the simulated kernel only, and the backend is linux\n[exit 1]\n",
                    run("sim", sub, "--backend", "linux", "--root", tmp.toString()));
        }
        assertEquals("sim: error: modkit sim fail-init works on the simulated kernel only, and the backend is linux\n[exit 1]\n",
                run("sim", "fail-init", "--backend", "linux", "dummy", "ENODEV"));
        assertEquals(List.of(), listing(tmp), "no state was made");
    }

    @Test
    void anUnknownBackendIsOneLineWithTheChoices() {
        assertEquals("lsmod: error: --backend: unknown kernel backend 'remote'\n  hint: choose one of: sim, linux\n[exit 1]\n",
                run("lsmod", "--backend", "remote"));
    }

    @Test
    void linuxViewsReadProcAndSys() throws IOException {
        Path root = tmp.resolve("root");
        write(root, "proc/modules", """
                snd_timer 49152 0 - Live 0xffffffffc02c9000
                snd 126976 1 snd_timer, Live 0xffffffffc02eb000 (OE)
                """);
        write(root, "sys/module/snd/coresize", "126976\n");
        write(root, "sys/module/snd_timer/coresize", "49152\n");
        Files.createDirectories(root.resolve("sys/module/snd/holders/snd_timer"));
        write(root, "sys/module/snd/parameters/cards_limit", "4\n");
        write(root, "proc/sys/kernel/osrelease", "6.1.0-56-amd64\n");
        write(root, "proc/sys/kernel/arch", "x86_64\n");
        write(root, "proc/kallsyms", """
                ffffffff81100000 T printk
                ffffffff82460000 r __ksymtab_printk
                ffffffffc02ca3a0 t snd_timer_new\t[snd_timer]
                ffffffffc02cd000 r __ksymtab_snd_timer_new\t[snd_timer]
                """);
        write(root, "proc/sys/kernel/tainted", "12288\n");
        System.setProperty("modkit.linux.root", root.toString());
        assertEquals("""
                Module                  Size  Used by
                snd_timer              49152  0
                snd                   126976  1 snd_timer
                """, run("lsmod", "--backend", "linux"));
        assertEquals("""
                Address           CRC         Symbol  Defined by
                ffffffff81100000  -           printk
                ffffffffc02ca3a0  -           snd_timer_new  [snd_timer]
                """, run("ksyms", "--backend", "linux"));
        assertEquals("cards_limit=4\n", run("params", "--backend", "linux", "snd"));
    }

    private static void write(Path root, String rel, String text) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private static List<String> listing(Path dir) {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
