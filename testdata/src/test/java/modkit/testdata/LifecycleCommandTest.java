package modkit.testdata;

import modkit.command.Captured;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import modkit.cli.Modkit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** insmod, lsmod and rmmod through the commands, across separate invocations sharing one state. */
class LifecycleCommandTest {
    @TempDir
    Path root;

    record Run(int exit, String out, String err) {}

    Run run(String... args) {
        String[] full = new String[args.length + 1];
        full[0] = args[0];
        full[1] = "--root=" + root;
        System.arraycopy(args, 1, full, 2, args.length - 1);
        Captured c = Captured.of(StandardCharsets.UTF_8, false, () -> Modkit.run(full));
        return new Run(c.exit(), c.outText(StandardCharsets.UTF_8), c.errText(StandardCharsets.UTF_8));
    }

    @Test
    void usersKeepTheirExporterLoadedUntilTheyGo() {
        Path td = TestPaths.testdata();
        Run first = run("insmod", td.resolve("objects/x86_64/mk_exporter.ko").toString());
        assertEquals(0, first.exit(), first.err());
        assertEquals(0, run("insmod", td.resolve("objects/x86_64/mk_importer.ko").toString()).exit());
        assertEquals("""
                Module                  Size  Used by
                mk_importer            16384  0
                mk_exporter            16384  1 mk_importer
                """, run("lsmod").out());

        Run refused = run("rmmod", "mk_exporter");
        assertEquals(1, refused.exit());
        assertEquals("rmmod: error: Module mk_exporter is in use by: mk_importer", refused.err().lines().findFirst().orElse(""));

        assertEquals(0, run("rmmod", "mk_importer").exit());
        assertEquals(0, run("rmmod", "mk-exporter").exit(), "dashes and underscores name the same module");
        assertEquals("Module                  Size  Used by\n", run("lsmod").out());
        Run gone = run("rmmod", "mk_exporter");
        assertEquals("rmmod: error: Module mk_exporter is not currently loaded", gone.err().strip());
    }
}
