package modkit.kmodsuite;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static modkit.kmodsuite.KmodSuite.assertKmodOutput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import modkit.kernel.LoadedModule;
import modkit.kernel.ProfileFile;
import modkit.kernel.SimulatedKernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import modkit.depmod.Kmod;
import modkit.depmod.Ours;

/**
 * kmod v34.2 testsuite/test-modprobe.c case by case (same names), plus the modprobe cases of test-weakdep.c and
 * test-dependencies.c. kmod fakes {@code uname -r} (we pass {@code -S}), redirects every path into the tree (we pass
 * the tree as {@code --sysroot}), and records the modules its fake init_module was asked to load (we load into a
 * simulated kernel in a temporary state directory and read its module list). A path modprobe prints is compared
 * without the tree's prefix.
 */
class KmodModprobeSuiteTest {
    @TempDir
    Path tmp;

    private Path root;

    private Path tree(String name) {
        root = KmodSuite.tree(name, tmp.resolve("root"));
        return root;
    }

    private Path state() {
        return tmp.resolve("state");
    }

    /** modprobe with the simulated kernel under tmp/state and these arguments. */
    private Kmod.Run modprobe(String... args) {
        List<String> a = new ArrayList<>(List.of("--root", state().toString()));
        a.addAll(List.of(args));
        return Ours.modprobe(ISO_8859_1, a.toArray(String[]::new));
    }

    /** modprobe over the tree as --sysroot (/lib/modules, modprobe.d, /proc/cmdline under it), as kernel VERSION. */
    private Kmod.Run modprobeIn(String version, String... args) {
        List<String> a = new ArrayList<>(List.of("--sysroot", root.toString(), "-S", version));
        a.addAll(List.of(args));
        return modprobe(a.toArray(String[]::new));
    }

    private String unrooted(String s) {
        return s.replace(root.toString(), "");
    }

    /** The names of the modules in the simulated kernel (kmod: the init_module calls its fake recorded). */
    private List<String> loaded() {
        if (!Files.exists(state())) {
            return List.of();
        }
        try (SimulatedKernel k = SimulatedKernel.open(state())) {
            return k.modules().stream().map(LoadedModule::name).sorted().toList();
        }
    }

    /**
     * kmod's fake init_module loads mod-loop-a and mod-loop-b whatever they need; a kernel links them only if it has
     * printC, printF and printG (exported by mod-loop-c, -f and -g, which kmod's cases do not load). So these cases
     * boot a kernel that exports those three, with the CRCs the modules were built with (their __versions).
     */
    private void bootWithLoopSymbols() throws IOException {
        Path b = KmodSuite.FIXTURES.resolve("modules/mod-loop-b.ko");
        Kmod.Run versions = modprobe("--show-modversions", b.toString());
        assertEquals(0, versions.exit(), versions.stderr());
        StringBuilder profile = new StringBuilder(new String(ProfileFile.toBytes(ProfileFile.embeddedDefault(), false),
                StandardCharsets.UTF_8));
        long addr = 0xffffffff81f00000L;
        for (String sym : List.of("printC", "printF", "printG")) {
            Matcher m = Pattern.compile("(?m)^0x([0-9a-f]{8})\\t" + sym + "$").matcher(versions.out());
            assertTrue(m.find(), sym + " not in mod-loop-b's __versions:\n" + versions.out());
            profile.append(String.format("%x %s EXPORT_SYMBOL %s%n", addr += 0x100, m.group(1), sym));
        }
        Path p = tmp.resolve("loop.profile");
        Files.writeString(p, profile);
        SimulatedKernel.boot(state(), ProfileFile.read(p)).close();
    }

    @Test
    void modprobe_show_depends() throws IOException {
        tree("test-modprobe/show-depends");
        Kmod.Run r = modprobeIn("4.4.4", "--show-depends", "mod-loop-a");
        assertEquals(0, r.exit(), r.stderr());
        assertKmodOutput(root.resolve("correct.txt"), unrooted(r.out()));
    }

    @Test
    void modprobe_show_depends2() throws IOException {
        tree("test-modprobe/show-depends");
        Kmod.Run r = modprobeIn("4.4.4", "--show-depends", "mod-simple");
        assertEquals(0, r.exit(), r.stderr());
        assertKmodOutput(root.resolve("correct-mod-simple.txt"), unrooted(r.out()));
    }

    @Test
    void modprobe_show_depends_no_load() throws IOException {
        tree("test-modprobe/show-depends");
        Kmod.Run r = modprobeIn("4.4.4", "--show-depends", "mod-simple");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(List.of(), loaded());
    }

    @Test
    void modprobe_show_alias_to_none() throws IOException {
        // modprobe.d: "alias mod-simple bogus"; with --ignore-install nothing is printed, nothing loaded, exit 0
        tree("test-modprobe/alias-to-none");
        Kmod.Run r = modprobeIn("4.4.4", "--show-depends", "--ignore-install", "--quiet", "mod-simple");
        assertEquals(0, r.exit(), r.stderr());
        assertKmodOutput(root.resolve("correct.txt"), r.out());
        assertEquals(List.of(), loaded());
    }

    @Test
    void modprobe_show_exports() {
        tree("test-modprobe/show-exports");
        Kmod.Run r = modprobe("--show-exports", "--quiet", root.resolve("mod-loop-a.ko").toString());
        assertEquals(0, r.exit(), r.stderr());
        // .regex: each output line matches the file's line as an extended regular expression
        String[] want = KmodSuite.read(root.resolve("correct.txt")).split("\n");
        String[] got = r.out().split("\n");
        assertEquals(want.length, got.length, r.out());
        for (int i = 0; i < want.length; i++) {
            assertTrue(Pattern.compile(want[i]).matcher(got[i]).find(), got[i] + " does not match " + want[i]);
        }
    }

    @Test
    void modprobe_builtin() throws IOException {
        tree("test-modprobe/builtin");
        Kmod.Run r = modprobeIn("4.4.4", "unix");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(List.of(), loaded());
    }

    @Test
    void modprobe_builtin_lookup_only() throws IOException {
        tree("test-modprobe/builtin");
        Kmod.Run r = modprobeIn("4.4.4", "-R", "unix");
        assertEquals(0, r.exit(), r.stderr());
        assertKmodOutput(root.resolve("correct.txt"), r.out());
    }

    @Test
    void modprobe_softdep_loop() throws IOException {
        // modprobe.d: "softdep mod-loop-b post: mod-loop-a", and mod-loop-a depends on mod-loop-b
        tree("test-modprobe/softdep-loop");
        bootWithLoopSymbols();
        Kmod.Run r = modprobeIn("4.4.4", "mod-loop-b");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(List.of("mod_loop_a", "mod_loop_b"), loaded());
    }

    @Test
    void modprobe_force() throws IOException {
        tree("test-modprobe/force");
        Kmod.Run r = modprobeIn("4.4.4", "--force", "mod-simple");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(List.of("mod_simple"), loaded());
    }

    @Test
    void modprobe_oldkernel() throws IOException {
        // kmod: a 3.3.3 kernel without finit_module, so init_module; ours loads through the same linker either way
        tree("test-modprobe/oldkernel");
        Kmod.Run r = modprobeIn("3.3.3", "mod-simple");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(List.of("mod_simple"), loaded());
    }

    @Test
    void modprobe_oldkernel_force() throws IOException {
        tree("test-modprobe/oldkernel-force");
        Kmod.Run r = modprobeIn("3.3.3", "--force", "mod-simple");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(List.of("mod_simple"), loaded());
    }

    @Test
    void modprobe_module_from_abspath() throws IOException {
        tree("test-modprobe/module-from-abspath");
        Kmod.Run r = modprobeIn("4.4.4", root.resolve("home/foo/mod-simple.ko").toAbsolutePath().toString());
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(List.of("mod_simple"), loaded());
    }

    @Test
    void modprobe_module_from_relpath() throws IOException {
        // kmod changes into /home/foo and names ./mod-simple.ko; a JVM cannot change its directory, so the path is
        // ./ and the way from ours (a path, for kmod as for us, is a name that starts with / or ./)
        tree("test-modprobe/module-from-relpath");
        Path cwd = Path.of("").toAbsolutePath();
        String rel = "./" + cwd.relativize(root.resolve("home/foo/mod-simple.ko").toAbsolutePath());
        Kmod.Run r = modprobeIn("4.4.4", rel);
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(List.of("mod_simple"), loaded());
    }

    /** test-dependencies.c test_dependencies (kmod_module_get_dependencies of mod-foo): what modprobe would load first. */
    @Test
    void test_dependencies() throws IOException {
        tree("test-dependencies");
        Kmod.Run r = modprobeIn("4.0.20-kmod", "--show-depends", "mod-foo");
        assertEquals(0, r.exit(), r.stderr());
        List<String> deps = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            String path = line.split(" ")[1];
            deps.add(path.substring(path.lastIndexOf('/') + 1));
        }
        // kmod: 3 dependencies, mod_foo_a, _b and _c; then mod-foo itself
        assertEquals("mod-foo.ko", deps.removeLast());
        assertEquals(List.of("mod-foo-a.ko", "mod-foo-b.ko", "mod-foo-c.ko"), deps.stream().sorted().toList());
    }

    @Test
    void modprobe_weakdep_loop() throws IOException {
        // modprobe.d: "weakdep mod-loop-b mod-loop-a mod-simple": weak dependencies are not loaded
        tree("test-modprobe/weakdep-loop");
        bootWithLoopSymbols();
        Kmod.Run r = modprobeIn("4.4.4", "mod-loop-b");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("", r.stderr(), "kmod 34 knows weakdep and prints nothing");
        assertEquals(List.of("mod_loop_b"), loaded());
    }


    @Test
    void modprobe_param_kcmdline_show_deps() {
        // /proc/cmdline: mod-simple.foo mod_simple.bar=1 ...: the options go on the insmod line
        tree("test-modprobe/module-param-kcmdline");
        Kmod.Run r = modprobeIn("4.4.4", "--show-depends", "mod-simple");
        assertEquals(0, r.exit(), r.stderr());
        assertKmodOutput(root.resolve("correct.txt"), unrooted(r.out()));
    }

    /** modprobe_param_kcmdline2..9: modprobe -c over a tree holding only /proc/cmdline. */
    @ParameterizedTest(name = "modprobe_param_kcmdline{0}")
    @ValueSource(ints = {2, 3, 4, 5, 6, 7, 8, 9})
    void modprobe_param_kcmdline(int n) {
        tree("test-modprobe/module-param-kcmdline" + n);
        Kmod.Run r = modprobeIn("4.4.4", "-c");
        assertEquals(0, r.exit(), r.stderr());
        assertKmodOutput(root.resolve("correct.txt"), r.out());
        assertEquals(List.of(), loaded());
    }

    /** test-weakdep.c modprobe_config: weakdep lines of modprobe.d and modules.weakdep in modprobe -c. */
    @Test
    void modprobe_config() {
        tree("test-weakdep");
        Kmod.Run r = modprobeIn("4.4.4", "-c");
        assertEquals(0, r.exit(), r.stderr());
        assertKmodOutput(root.resolve("modprobe-c.txt"), r.out());
    }

    @Test
    void modprobe_external() {
        // modules.dep: /lib/modules/external/mod-simple.ko, a path in the tree
        tree("test-modprobe/external");
        Kmod.Run r = modprobeIn("4.4.4", "mod-simple");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(List.of("mod_simple"), loaded());
    }
}
