package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import modkit.elf.ObjectFile;
import modkit.kernel.KernelSymbol;
import modkit.kernel.SimulatedKernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flags of modutils 2.4's insmod and rmmod (and kmod's -s) that scripts still pass: each through the real
 * command against a simulated kernel of its own. Expected symbol names and formats come from modutils' insmod.c
 * (add_ksymoops_symbols, get_module_version) and the kernel's struct module.
 */
class ModutilsFlagsTest {
    @TempDir
    Path tmp;

    Path root;
    Path td = TestPaths.testdata();
    String exporter;
    String importer;

    @BeforeEach
    void boot() {
        root = tmp.resolve("state");
        assertEquals("", run("sim", "boot"));
        exporter = td.resolve("objects/x86_64/mk_exporter.ko").toString();
        importer = td.resolve("objects/x86_64/mk_importer.ko").toString();
    }

    /** "CMD --root ROOT ARGS...": the output, then "[exit N]" if N is not 0. */
    String run(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command));
        if (command.equals("sim")) {
            all.add(args[0]);
            all.add("--root");
            all.add(root.toString());
            all.addAll(List.of(args).subList(1, args.length));
        } else {
            all.add("--root");
            all.add(root.toString());
            all.addAll(List.of(args));
        }
        String out = InProcess.run(all);
        return command.equals("sim") && out.startsWith("booted") ? "" : out;
    }

    List<String> loaded() {
        return run("lsmod").lines().skip(1).map(l -> l.split("\\s+")[0]).toList();
    }

    @Test
    void probeSaysNothingLoadsNothingAndExitsByWhetherItCould() {
        assertEquals("", run("insmod", "-p", exporter));
        assertEquals(List.of(), loaded());
        String failed = run("insmod", "--probe", importer);
        assertTrue(failed.endsWith("[exit 1]\n"), failed);
        assertEquals(List.of(), loaded());
    }

    @Test
    void quietKeepsTheErrorLineButNotTheUnresolvedSymbols() {
        String loud = run("insmod", importer);
        assertTrue(loud.contains("3 unknown symbols: mk_add"), loud);
        String quiet = run("insmod", "-q", importer);
        assertEquals("insmod: error: " + importer + ": 3 unknown symbols", quiet.lines().findFirst().orElseThrow());
        assertFalse(quiet.contains("mk_add"), quiet);
        assertTrue(quiet.endsWith("[exit 1]\n"), quiet);
    }

    @Test
    void nameLoadsUnderAnotherNameWrittenIntoStructModule() throws Exception {
        Path image = tmp.resolve("renamed.elf");
        assertEquals("", run("insmod", "-o", "renamed_exp", "-O", image.toString(), exporter));
        assertEquals(List.of("renamed_exp"), loaded());
        // struct module's name (offset 24 on x86_64) holds the new name: the image has it, NUL-terminated.
        byte[] bytes = Files.readAllBytes(image);
        assertTrue(new String(bytes, StandardCharsets.ISO_8859_1).contains("renamed_exp\0"), "name in the image");
        // The same file again under a second name, without its exports (they would be duplicates).
        assertEquals("", run("insmod", "--name", "second", "-x", exporter));
        assertEquals(List.of("second", "renamed_exp"), loaded());
        assertEquals("", run("rmmod", "renamed_exp"));
        assertEquals("", run("rmmod", "second"));
        assertEquals(List.of(), loaded());
    }

    @Test
    void nameLongerThanModuleNameLenIsRefused() {
        String longest = "n".repeat(55);
        String tooLong = "n".repeat(56);
        String out = run("insmod", "-o", tooLong, exporter);
        assertTrue(out.startsWith("insmod: error: " + exporter + ": module name '" + tooLong + "' is 56 bytes long"), out);
        assertTrue(out.contains("MODULE_NAME_LEN 56"), out);
        assertTrue(out.endsWith("[exit 1]\n"), out);
        assertEquals("", run("insmod", "-o", longest, exporter));
        assertEquals(List.of(longest), loaded());
    }

    @Test
    void noexportHidesTheModulesExportsFromOtherModules() {
        assertEquals("", run("insmod", "-x", exporter));
        assertTrue(run("insmod", importer).contains("3 unknown symbols"));
        assertEquals("", run("rmmod", "mk_exporter"));
        assertEquals("", run("insmod", "-X", exporter));
        assertEquals("", run("insmod", importer));
    }

    @Test
    void rmmodAllRemovesUnusedAutocleanModulesUntilNoneIsLeft() throws Exception {
        assertEquals("", run("insmod", "-k", exporter));
        assertEquals("", run("insmod", "--autoclean", importer)); // uses the exporter
        assertEquals("", run("insmod", td.resolve("objects/x86_64/mk_params.ko").toString())); // not autoclean
        try (SimulatedKernel k = SimulatedKernel.open(root)) {
            assertTrue(k.autoclean("mk_exporter"));
            assertFalse(k.autoclean("mk_params"));
        }
        // The exporter is used until the importer goes: the second round removes it.
        assertEquals("removed mk_importer\nremoved mk_exporter\n", run("rmmod", "-a", "-v"));
        assertEquals(List.of("mk_params"), loaded());
        assertEquals("", run("rmmod", "--all"));
        assertEquals(List.of("mk_params"), loaded());
    }

    @Test
    void aStateWrittenBeforeAutocleanStillOpensAndGainsIt() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + root.resolve("kernel.db")); Statement s = c.createStatement()) {
            s.executeUpdate("ALTER TABLE modules DROP COLUMN autoclean");
            s.executeUpdate("DROP TABLE module_symbols");
        }
        assertEquals("", run("insmod", "-k", "-S", exporter));
        try (SimulatedKernel k = SimulatedKernel.open(root)) {
            assertTrue(k.autoclean("mk_exporter"));
            assertFalse(k.moduleOwnSymbols("mk_exporter").isEmpty());
        }
    }

    @Test
    void kallsymsRecordsTheModulesOwnSymbolsLocalOnesToo() throws Exception {
        assertEquals("", run("insmod", "-S", exporter));
        assertEquals("", run("insmod", importer));
        try (SimulatedKernel k = SimulatedKernel.open(root)) {
            List<String> names = k.moduleOwnSymbols("mk_exporter").stream().map(KernelSymbol::name).toList();
            assertTrue(names.contains("mk_exporter_init"), names.toString()); // static: local in the symbol table
            assertTrue(names.contains("mk_boot_values"), names.toString());
            assertTrue(names.contains("mk_add"), names.toString());
            assertFalse(names.contains("printk") || names.contains("_printk"), "undefined symbols are not its own");
            assertEquals(List.of(), k.moduleOwnSymbols("mk_importer"), "recorded only with -S");
            long init = k.moduleOwnSymbols("mk_exporter").stream().filter(s -> s.name().equals("mk_add")).findFirst()
                    .orElseThrow().address();
            long exported = k.moduleExports().stream().filter(s -> s.name().equals("mk_add")).findFirst().orElseThrow().address();
            assertEquals(exported, init, "the same final address as the export");
        }
    }

    @Test
    void ksymoopsAddsModutilsInsmodSymbolsToTheExports() throws Exception {
        assertEquals("", run("insmod", "-Y", exporter));
        Path real = Path.of(exporter).toRealPath();
        long mtime = Files.getLastModifiedTime(real).toMillis() / 1000;
        ObjectFile obj = ObjectFile.read(Path.of(exporter));
        List<String> expected = new ArrayList<>();
        // "%s%s_O%s_M%0*lX_V%d": 16 hex digits for a 64-bit time_t; version 6.1.0 as (6 << 16) + (1 << 8) + 0.
        expected.add(String.format("__insmod_mk_exporter_O%s_M%016X_V%d", real, mtime, (6 << 16) + (1 << 8)));
        for (String sec : List.of(".text", ".rodata", ".data", ".bss")) {
            obj.sections().stream().filter(s -> s.name().equals(sec) && s.size() > 0).findFirst()
                    .ifPresent(s -> expected.add("__insmod_mk_exporter_S" + sec + "_L" + s.size()));
        }
        try (SimulatedKernel k = SimulatedKernel.open(root)) {
            List<String> got = k.moduleExports().stream().map(KernelSymbol::name).filter(n -> n.startsWith("__insmod_")).sorted().toList();
            assertEquals(expected.stream().sorted().toList(), got);
            assertTrue(got.size() >= 3, "struct module, .text and .data at least: " + got);
        }
    }

    @Test
    void numericOnlyComparesTheKernelVersionWithoutItsLocalPart() throws Exception {
        // The module claims 6.1.0-99 (booted kernel: 6.1.0-56-amd64) and has no __versions, so the release counts.
        byte[] b = Files.readAllBytes(Path.of(exporter));
        Path other = tmp.resolve("mk_exporter.ko");
        Files.write(other, patch(patch(b, "vermagic=6.1.0-56-amd64", "vermagic=6.1.0-99-amd64"), "\0__versions\0", "\0__versionz\0"));
        String refused = run("insmod", "-n", other.toString());
        assertTrue(refused.contains("version magic '6.1.0-99-amd64"), refused);
        assertEquals("", run("insmod", "-n", "-N", other.toString()));
        Path newer = tmp.resolve("newer.ko");
        Files.write(newer, patch(Files.readAllBytes(other), "vermagic=6.1.0-99-amd64", "vermagic=6.2.0-56-amd64"));
        String stillRefused = run("insmod", "-n", "--numeric-only", newer.toString());
        assertTrue(stillRefused.contains("version magic '6.2.0-56-amd64"), stillRefused);
    }

    static byte[] patch(byte[] in, String from, String to) {
        String s = new String(in, StandardCharsets.ISO_8859_1);
        assertTrue(s.contains(from), from);
        return s.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void lockSerialisesConcurrentLoadsOfOneModule() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                runs.add(pool.submit(() -> modkit.cli.Modkit.run("insmod", "--root", root.toString(), "-L", exporter)));
            }
            List<Integer> exits = new ArrayList<>();
            for (Future<Integer> f : runs) {
                exits.add(f.get());
            }
            assertEquals(List.of(0, 1), exits.stream().sorted().toList(), "one loads, the other finds it loaded (EEXIST)");
        } finally {
            pool.shutdown();
        }
        assertEquals(List.of("mk_exporter"), loaded());
        try (SimulatedKernel k = SimulatedKernel.open(root)) {
            assertEquals(4, k.moduleExports().stream().filter(s -> "mk_exporter".equals(s.owner())).count());
        }
    }

    @Test
    void lockWaitsForAnotherProcessesFlockOnTheFile() throws Exception {
        Process holder = new ProcessBuilder("flock", exporter, "sleep", "1.5").start();
        Thread.sleep(300);
        long start = System.nanoTime();
        assertEquals("", run("insmod", "-L", exporter));
        long waited = (System.nanoTime() - start) / 1_000_000;
        holder.waitFor();
        assertTrue(waited >= 900, "insmod -L waited " + waited + " ms for flock(1)'s lock");
    }

    @Test
    void syslogSendsTheMessagesToTheLogSocket() throws Throwable {
        Path sock = tmp.resolve("log");
        try (SyslogReceiver log = new SyslogReceiver(sock)) {
            System.setProperty("modkit.syslog", sock.toString());
            String out;
            String rm;
            String probe;
            try {
                out = run("insmod", "-s", importer);
                rm = run("rmmod", "--syslog", "mk_nothere");
                probe = run("modprobe", "-s", "-d", tmp.resolve("no-tree").toString(), "mk_nothere");
            } finally {
                System.clearProperty("modkit.syslog");
            }
            assertEquals("[exit 1]\n", out, "nothing on the terminal");
            assertEquals("[exit 1]\n", rm);
            List<String> got = log.received();
            // RFC 3164 as glibc sends it: <LOG_DAEMON|LOG_ERR = 27>Mmm dd hh:mm:ss insmod: text
            assertTrue(got.get(0).matches("<27>[A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d insmod: error: " + java.util.regex.Pattern.quote(importer)
                    + ": 3 unknown symbols: mk_add.*"), got.get(0));
            assertTrue(got.get(1).matches("<27>.* insmod: hint: load the modules it was built against first.*"), got.get(1));
            assertTrue(got.stream().anyMatch(l -> l.matches("<27>.* rmmod: error: .*mk_nothere.*")), got.toString());
            assertEquals("[exit 1]\n", probe, "nothing on the terminal");
            assertTrue(got.stream().anyMatch(l -> l.matches("<27>.* modprobe: .*no-tree.*")), got.toString());
        }
    }

    @Test
    void syslogWithoutASocketFallsBackToStderr() {
        System.setProperty("modkit.syslog", tmp.resolve("no-log-here").toString());
        try {
            String out = run("insmod", "-s", importer);
            assertTrue(out.startsWith("insmod: error: " + importer + ": 3 unknown symbols"), out);
            assertTrue(out.endsWith("[exit 1]\n"), out);
        } finally {
            System.clearProperty("modkit.syslog");
        }
    }

    @Test
    void aBareNameIsFoundThroughModulesDepAndOnlyThatFileIsLoaded() throws Exception {
        Path base = tmp.resolve("base");
        Path dir = base.resolve("lib/modules/6.1.0-56-amd64");
        Files.createDirectories(dir.resolve("kernel/drivers"));
        Files.createDirectories(dir.resolve("extra"));
        Files.copy(Path.of(exporter), dir.resolve("kernel/drivers/mk-exporter.ko"));
        Files.copy(Path.of(importer), dir.resolve("extra/mk_importer.ko"));
        Files.writeString(dir.resolve("modules.dep"),
                "kernel/drivers/mk-exporter.ko:\nextra/mk_importer.ko: kernel/drivers/mk-exporter.ko\n");
        // Its dependency is not loaded: the importer alone fails on the exporter's symbols.
        String alone = run("insmod", "--basedir", base.toString(), "mk_importer");
        assertTrue(alone.contains(dir.resolve("extra/mk_importer.ko") + ": 3 unknown symbols"), alone);
        assertEquals(List.of(), loaded());
        assertEquals("", run("insmod", "--basedir", base.toString(), "mk-exporter"));
        assertEquals("", run("insmod", "--basedir", base.toString(), "mk_importer"));
        assertEquals(List.of("mk_importer", "mk_exporter"), loaded());
        String none = run("insmod", "--basedir", base.toString(), "mk_nothere");
        assertTrue(none.startsWith("insmod: error: mk_nothere: no module by that name found in " + dir.resolve("modules.dep")), none);
        assertTrue(none.endsWith("[exit 1]\n"), none);
    }

    @Test
    void prefixIsAcceptedAndChangesNothing() {
        assertEquals("", run("insmod", "-P", "smp_", exporter));
        assertEquals(List.of("mk_exporter"), loaded());
        String said = run("insmod", "-v", "-n", "--prefix", "smp_", importer);
        assertTrue(said.startsWith("insmod: -P smp_: symbol names carry no version suffix since Linux 2.6"), said);
    }

    @Test
    void everyNewFlagIsInHelp() {
        String insmod = InProcess.output("insmod", "--help");
        for (String f : List.of("-s, --syslog", "-p, --probe", "-o, --name", "-x, --noexport", "-X, --export", "-L, --lock",
                "-k, --autoclean", "-q, --quiet", "-N, --numeric-only", "-S, --kallsyms", "-Y, --ksymoops", "-P, --prefix")) {
            assertTrue(insmod.contains(f), f);
        }
        String rmmod = InProcess.output("rmmod", "--help");
        assertTrue(rmmod.contains("-a, --all") && rmmod.contains("-s, --syslog"), rmmod);
    }
}
