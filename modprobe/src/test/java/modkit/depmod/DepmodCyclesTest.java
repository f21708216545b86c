package modkit.depmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * depmod's cycle report on graphs harder than single rings: two cycles sharing a module (a figure eight), a ring
 * with a chord, a ring reached only through another module, and two separate rings. Every cycle and every module
 * in one must be listed exactly as kmod lists them (depmod.c's depmod_report_cycles, unchanged from kmod 30 to
 * 34), so the expectation is the installed kmod's stderr on the same tree. Without modules.order the walk starts
 * elsewhere, and there kmod 30 dies on an assertion (its search goes round a ring it entered sideways): there the
 * test asks for what kmod means to print, every cycle and every module in one.
 */
class DepmodCyclesTest {
    static final String V = SyntheticTree.VERSION;

    @TempDir
    Path tmp;

    private static Path write(Path base, String[][] graph) {
        Path dir = base.resolve("lib/modules/" + V);
        List<String> order = new ArrayList<>();
        for (String[] node : graph) {
            SyntheticModule m = new SyntheticModule().export(node[0] + "_fn", 1).info("license", "GPL");
            for (int i = 1; i < node.length; i++) {
                m.need(node[i] + "_fn", 1L);
            }
            SyntheticTree.writeFile(dir.resolve("kernel/" + node[0] + ".ko"), m.bytes());
            order.add("kernel/" + node[0] + ".ko");
        }
        SyntheticTree.writeFile(dir.resolve("modules.order"), SyntheticTree.lines(order));
        return dir;
    }

    @Test
    void everyCycleAndEveryModuleInOneAsKmodReportsThem() throws IOException {
        Kmod.assumeInstalled();
        String[][] graph = {
            {"eight_a", "eight_b", "eight_c"}, {"eight_b", "eight_a"}, {"eight_c", "eight_a"},
            {"chord_1", "chord_2"}, {"chord_2", "chord_3", "chord_4"}, {"chord_3", "chord_4"}, {"chord_4", "chord_1"},
            {"entry", "ring_p"}, {"ring_p", "ring_q"}, {"ring_q", "ring_p"},
            {"solo_x", "solo_y"}, {"solo_y", "solo_x"}, {"leaf"}, {"leaf_user", "leaf"}};
        Path root = tmp.resolve("t");
        Path dir = write(root, graph);
        Kmod.Run k = Kmod.run("depmod", List.of("-C", Kmod.emptyConfig().toString(), "-b", root.toString(), V));
        Kmod.Run o = Ours.depmod("-b", root.toString(), V);
        assertEquals(k.stderr(), o.stderr());
        assertEquals(k.exit(), o.exit());
        assertEquals(1, o.exit());
        assertEquals(7, o.stderr().lines().count(), o.stderr());

        Files.delete(dir.resolve("modules.order"));
        o = Ours.depmod("-b", root.toString(), V);
        assertEquals(1, o.exit());
        List<String> lines = o.stderr().lines().filter(l -> !l.contains("modules.order")).toList();
        assertEquals("depmod: ERROR: Found 11 modules in dependency cycles!", lines.get(lines.size() - 1));
        Set<Set<String>> cycles = new HashSet<>();
        for (String l : lines.subList(0, lines.size() - 1)) {
            assertTrue(l.startsWith("depmod: ERROR: Cycle detected: "), l);
            List<String> names = List.of(l.substring("depmod: ERROR: Cycle detected: ".length()).split(" -> "));
            assertEquals(names.get(0), names.get(names.size() - 1), l);
            cycles.add(new HashSet<>(names));
        }
        assertEquals(Set.of(Set.of("eight_a", "eight_b"), Set.of("eight_a", "eight_c"),
                Set.of("chord_1", "chord_2", "chord_4"), Set.of("chord_1", "chord_2", "chord_3", "chord_4"),
                Set.of("ring_p", "ring_q"), Set.of("solo_x", "solo_y")), cycles, o.stderr());
        assertEquals(6, lines.size() - 1, "each cycle once: " + o.stderr());
    }

    /**
     * kmod's own testsuite case test-depmod/detect-loop (kmod 34.2 correct.txt, and kmod 30 here prints the same),
     * rebuilt with synthetic modules needing the same symbols in the same order, without modules.order: which root
     * comes next depends on kmod's circular root list turning as modules leave it.
     */
    @Test
    void kmodTestsuiteDetectLoop() throws IOException {
        String[][] graph = {
            {"mod-loop-a", "mod_loop_f", "mod_loop_g", "mod_loop_b"}, {"mod-loop-b", "mod_loop_f", "mod_loop_c", "mod_loop_g"},
            {"mod-loop-c", "mod_loop_a"}, {"mod-loop-d", "mod_loop_e"}, {"mod-loop-e", "mod_loop_d"}, {"mod-loop-f"},
            {"mod-loop-g"}, {"mod-loop-h", "mod_loop_i"}, {"mod-loop-i", "mod_loop_j"},
            {"mod-loop-j", "mod_loop_h", "mod_loop_k"}, {"mod-loop-k", "mod_loop_h"}};
        Path root = tmp.resolve("loop");
        Path dir = root.resolve("lib/modules/" + V);
        for (String[] node : graph) {
            SyntheticModule m = new SyntheticModule().export(node[0].replace('-', '_') + "_fn", 1).info("license", "GPL");
            for (int i = 1; i < node.length; i++) {
                m.need(node[i] + "_fn", 1L);
            }
            SyntheticTree.writeFile(dir.resolve("kernel/" + node[0] + ".ko"), m.bytes());
        }
        Kmod.Run o = Ours.depmod("-b", root.toString(), V);
        assertTrue(o.stderr().endsWith("""
                depmod: ERROR: Cycle detected: mod_loop_d -> mod_loop_e -> mod_loop_d
                depmod: ERROR: Cycle detected: mod_loop_i -> mod_loop_j -> mod_loop_k -> mod_loop_h -> mod_loop_i
                depmod: ERROR: Cycle detected: mod_loop_i -> mod_loop_j -> mod_loop_h -> mod_loop_i
                depmod: ERROR: Cycle detected: mod_loop_c -> mod_loop_a -> mod_loop_b -> mod_loop_c
                depmod: ERROR: Found 9 modules in dependency cycles!
                """), o.stderr());
        if (Files.isExecutable(Kmod.KMOD)) {
            Kmod.Run k = Kmod.run("depmod", List.of("-C", Kmod.emptyConfig().toString(), "-b", root.toString(), V));
            assertEquals(k.stderr(), o.stderr());
        }
    }
}
