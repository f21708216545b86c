package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import modkit.kernel.LoadedModule;
import modkit.kernel.SimulatedKernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * modprobe really links and loads: chains go into the simulated kernel (embedded default profile, the Debian
 * kernel of the corpus) dependencies first and come out in reverse, leaving what something else still uses.
 */
class ModprobeChainTest {
    @TempDir
    Path tmp;

    Path state;
    Path base;

    @BeforeEach
    void paths() {
        state = tmp.resolve("state");
        base = tmp.resolve("base");
    }

    /** Load order: the kernel lists modules newest first. */
    private List<String> loaded() {
        try (SimulatedKernel k = SimulatedKernel.open(state)) {
            return k.modules().stream().map(LoadedModule::name).toList().reversed();
        }
    }

    private ModprobeFixture.Run modprobe(String... args) {
        return ModprobeFixture.modprobe(state, base, args);
    }

    @Test
    void fourDeepChainLoadsInOrderAndUnloadsLeavingWhatIsStillUsed() {
        ModprobeFixture.corpusTree(base);
        // snd_aloop -> snd_pcm -> snd_timer -> snd -> soundcore (depth 4 in modules.dep)
        ModprobeFixture.Run r = modprobe("-C", "/dev/null", "snd_aloop");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("soundcore", "snd", "snd_timer", "snd_pcm", "snd_aloop"), loaded());

        r = modprobe("-C", "/dev/null", "-v", "snd_seq_dummy");
        assertEquals(0, r.exit(), r.err());
        String dir = base + "/lib/modules/6.1.0-56-amd64/kernel/sound/core/";
        assertEquals("insmod " + dir + "snd-seq-device.ko \ninsmod " + dir + "seq/snd-seq.ko \ninsmod " + dir
                + "seq/snd-seq-dummy.ko \n", r.out(), "modules already loaded are skipped");
        assertEquals(List.of("soundcore", "snd", "snd_timer", "snd_pcm", "snd_aloop", "snd_seq_device", "snd_seq",
                "snd_seq_dummy"), loaded());

        r = modprobe("-C", "/dev/null", "-r", "-v", "snd_aloop");
        assertEquals(0, r.exit(), r.err());
        assertEquals("rmmod snd_aloop\nrmmod snd_pcm\n", r.out(), "snd_timer, snd, soundcore are used by snd_seq");
        assertEquals(List.of("soundcore", "snd", "snd_timer", "snd_seq_device", "snd_seq", "snd_seq_dummy"), loaded());

        r = modprobe("-C", "/dev/null", "-r", "-v", "snd_seq_dummy");
        assertEquals(0, r.exit(), r.err());
        assertEquals("rmmod snd_seq_dummy\nrmmod snd_seq\nrmmod snd_timer\nrmmod snd_seq_device\nrmmod snd\n"
                + "rmmod soundcore\n", r.out());
        assertEquals(List.of(), loaded());
    }

    /** The testdata modules as a tiny module tree: mk_importer needs mk_exporter. */
    private void objectsTree(String config) throws IOException {
        Path dir = base.resolve("lib/modules/6.1.0-56-amd64");
        Path objects = TestPaths.testdata().resolve("objects/x86_64");
        Files.createDirectories(dir.resolve("extra"));
        for (String m : List.of("mk_exporter", "mk_importer", "mk_params", "mk_strings")) {
            Files.createSymbolicLink(dir.resolve("extra/" + m + ".ko"), objects.resolve(m + ".ko"));
        }
        ModprobeFixture.write(dir.resolve("modules.dep"), """
                extra/mk_exporter.ko:
                extra/mk_importer.ko: extra/mk_exporter.ko
                extra/mk_params.ko:
                extra/mk_strings.ko:
                """);
        ModprobeFixture.write(base.resolve("etc/modprobe.d/test.conf"), config);
    }

    /** kmod's -w: a reference dropped while modprobe -r waits lets the removal go on; one kept past MSEC does not. */
    @Test
    void removeWaitsForReferencesUpToItsLimit() throws Exception {
        objectsTree("");
        assertEquals(0, modprobe("mk_params").exit());
        try (SimulatedKernel k = SimulatedKernel.open(state)) {
            k.get("mk_params");
        }
        long t0 = System.nanoTime();
        ModprobeFixture.Run timedOut = modprobe("-r", "-w", "200", "mk_params");
        long waited = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(1, timedOut.exit());
        assertEquals("modprobe: error: Module mk_params is in use.", timedOut.err().lines().findFirst().orElse(""));
        assertTrue(waited >= 200, "gave up after " + waited + " ms");
        assertEquals(List.of("mk_params"), loaded());

        Thread dropper = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            try (SimulatedKernel k = SimulatedKernel.open(state)) {
                k.put("mk_params");
            }
        });
        dropper.start();
        ModprobeFixture.Run waitedOut = modprobe("-r", "-w", "20000", "mk_params");
        dropper.join();
        assertEquals(0, waitedOut.exit(), waitedOut.err());
        assertEquals(List.of(), loaded());
    }

    @Test
    void twoChainWithFirstTimeAndInUse() throws IOException {
        objectsTree("");
        assertEquals(0, modprobe("mk_importer").exit());
        assertEquals(List.of("mk_exporter", "mk_importer"), loaded());

        ModprobeFixture.Run again = modprobe("mk_importer");
        assertEquals(0, again.exit(), "already loaded is not an error");
        ModprobeFixture.Run first = modprobe("--first-time", "mk_importer");
        assertEquals(1, first.exit());
        assertEquals("modprobe: error: could not insert 'mk_importer': Module already in kernel\n", first.err());

        ModprobeFixture.Run busy = modprobe("-r", "mk_exporter");
        assertEquals(1, busy.exit());
        assertEquals("modprobe: error: Module mk_exporter is in use.", busy.err().lines().findFirst().orElse(""));

        assertEquals(0, modprobe("-r", "mk-importer").exit(), "dashes name the same module");
        assertEquals(List.of(), loaded());
        assertEquals(0, modprobe("-r", "mk_importer").exit(), "removing what is not loaded succeeds");
        ModprobeFixture.Run gone = modprobe("-r", "--first-time", "mk_importer");
        assertEquals(1, gone.exit());
        assertEquals("modprobe: error: Module mk_importer is not in kernel.\n", gone.err());
    }

    @Test
    void removeHoldersTakesTheUsersFirst() throws IOException {
        objectsTree("");
        assertEquals(0, modprobe("-a", "mk_importer", "mk_params").exit());
        ModprobeFixture.Run r = modprobe("-r", "-v", "--remove-holders", "mk_exporter", "mk_params");
        assertEquals(0, r.exit(), r.err());
        assertEquals("rmmod mk_importer\nrmmod mk_exporter\nrmmod mk_params\n", r.out());
        assertEquals(List.of(), loaded());
    }

    @Test
    void dryRunLinksTheWholeChainButChangesNothing() throws IOException {
        objectsTree("");
        ModprobeFixture.Run r = modprobe("-n", "-m", "mk_importer");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("module mk_exporter ("), r.out());
        int importer = r.out().indexOf("module mk_importer (");
        assertTrue(importer > 0, r.out());
        // mk_importer's map shows its imports resolved to mk_exporter, loaded just before it in the scratch kernel.
        assertTrue(r.out().substring(importer).contains("mk_add"), r.out());
        assertEquals(List.of(), loaded());
    }

    @Test
    void softdepsLoadAroundTheModule() throws IOException {
        objectsTree("softdep mk_importer pre: mk_strings post: mk_params\n");
        ModprobeFixture.Run r = modprobe("mk_importer");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("mk_exporter", "mk_strings", "mk_importer", "mk_params"), loaded());
        r = modprobe("-r", "-v", "mk_importer");
        assertEquals(0, r.exit(), r.err());
        assertEquals("rmmod mk_params\nrmmod mk_importer\nrmmod mk_exporter\nrmmod mk_strings\n", r.out(),
                "post: softdeps first, then the module and its unused dependencies, then pre: softdeps");
    }

    @Test
    void softdepCyclesEndAndDryRunRemovalChangesNothing() throws IOException {
        objectsTree("softdep mk_params post: mk_strings\nsoftdep mk_strings post: mk_params\n");
        ModprobeFixture.Run r = modprobe("mk_params");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("mk_params", "mk_strings"), loaded());
        r = modprobe("-r", "-n", "-v", "mk_params");
        assertEquals(0, r.exit(), r.err());
        assertEquals("rmmod mk_strings\nrmmod mk_params\n", r.out());
        assertEquals(List.of("mk_params", "mk_strings"), loaded(), "-n removes from a scratch copy only");
        assertEquals(0, modprobe("-r", "mk_params").exit());
        assertEquals(List.of(), loaded());
    }

    @Test
    void aFileArgumentIsLoadedWithItsModulesDepDependencies() throws IOException {
        objectsTree("");
        Path file = TestPaths.testdata().resolve("objects/x86_64/mk_importer.ko");
        ModprobeFixture.Run r = modprobe("-v", file.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("insmod " + base + "/lib/modules/6.1.0-56-amd64/extra/mk_exporter.ko \ninsmod " + file + " \n",
                r.out());
        assertEquals(List.of("mk_exporter", "mk_importer"), loaded());
    }

    @Test
    void installAndRemoveCommandsRunThroughTheShell() throws IOException {
        Path log = tmp.resolve("log");
        objectsTree("options mk_exporter opt=2\n"
                + "install mk_exporter echo \"install $MODPROBE_MODULE [$CMDLINE_OPTS]\" >> " + log + "\n"
                + "remove mk_exporter echo \"remove $MODPROBE_MODULE [$CMDLINE_OPTS]\" >> " + log + "\n"
                + "install mk_params exit 3\n");
        ModprobeFixture.Run r = modprobe("-v", "mk_exporter", "a=1");
        assertEquals(0, r.exit(), r.err());
        assertEquals("install echo \"install $MODPROBE_MODULE [$CMDLINE_OPTS]\" >> " + log + " opt=2 a=1\n", r.out());
        assertEquals(List.of(), loaded(), "the install command replaces the load");
        assertEquals(0, modprobe("-r", "mk_exporter").exit());
        assertEquals("install mk_exporter [opt=2 a=1]\nremove mk_exporter []\n", Files.readString(log));

        assertEquals(0, modprobe("-i", "mk_exporter").exit(), r.err());
        assertEquals(List.of("mk_exporter"), loaded(), "-i ignores the install command");

        ModprobeFixture.Run failed = modprobe("mk_params");
        assertEquals(1, failed.exit());
        assertEquals("modprobe: error: Error running install command 'exit 3' for module mk_params: retcode 3\n",
                failed.err());
    }

    @Test
    void optionsComeFromConfigThenKernelCommandLineThenArguments() throws IOException {
        objectsTree("options mk_params conf=1\nalias exp mk_exporter\n");
        ModprobeFixture.write(base.resolve("proc/cmdline"),
                "quiet mk_params.cmdline=1 mk-params.dash=2 modprobe.blacklist=mk_exporter -- init.arg=1\n");
        ModprobeFixture.Run r = modprobe("-v", "mk_params", "cli=1", "s=a b");
        assertEquals(0, r.exit(), r.err());
        assertEquals("insmod " + base + "/lib/modules/6.1.0-56-amd64/extra/mk_params.ko conf=1 cmdline=1 dash=2 "
                + "cli=1 s=\"a b\"\n", r.out());

        ModprobeFixture.Run viaAlias = modprobe("-v", "exp");
        assertEquals(0, viaAlias.exit(), viaAlias.err());
        assertEquals("", viaAlias.out(), "blacklisted on the kernel command line, and asked for by alias");
        assertEquals(List.of("mk_params"), loaded());
        assertEquals(0, modprobe("mk_exporter").exit());
        assertEquals(List.of("mk_params", "mk_exporter"), loaded(), "a blacklist does not stop a module named directly");
        assertEquals(0, modprobe("-r", "mk_exporter").exit());
        assertEquals(0, modprobe("-b", "mk_exporter").exit());
        assertEquals(List.of("mk_params"), loaded(), "-b applies the blacklist to names given too");
    }

    @Test
    void badConfigLinesAreReportedAndTheRestApplies() throws IOException {
        objectsTree("options mk_params p_int=1\noptions mk_params\nfrobnicate x\n");
        ModprobeFixture.Run r = modprobe("-v", "mk_params");
        assertEquals(0, r.exit(), r.err());
        String conf = base + "/etc/modprobe.d/test.conf";
        // kmod 30's words and prefix (libkmod's logger, as Debian builds it)
        String kmod = "libkmod: ERROR ../libkmod/libkmod-config.c:712 kmod_config_parse: ";
        assertEquals(kmod + conf + " line 2: ignoring bad line starting with 'options'\n"
                + kmod + conf + " line 3: ignoring bad line starting with 'frobnicate'\n", r.err());
        assertTrue(r.out().endsWith("mk_params.ko p_int=1 \n"), r.out());
    }

    @Test
    void unknownNamesFailWithTheDirectoryAndQuietSaysNothing() throws IOException {
        objectsTree("");
        ModprobeFixture.Run r = modprobe("nosuch");
        assertEquals(1, r.exit());
        assertEquals("modprobe: error: Module nosuch not found in directory " + base + "/lib/modules/6.1.0-56-amd64",
                r.err().lines().findFirst().orElse(""));
        ModprobeFixture.Run q = modprobe("-q", "nosuch");
        assertEquals(1, q.exit());
        assertEquals("", q.err() + q.out());
        ModprobeFixture.Run rm = modprobe("-r", "nosuch");
        assertEquals("modprobe: error: Module nosuch not found.\n", rm.err());
    }
}
