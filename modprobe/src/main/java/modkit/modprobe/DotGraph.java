package modkit.modprobe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import modkit.elf.ModuleNames;
import modkit.moddir.ModuleLookup.Ref;
import modkit.moddir.ModprobeConfig;
import modkit.moddir.ModuleDirectory;
import modkit.moddir.ModuleLookup;

/**
 * {@code modprobe --graph NAME}: what NAME pulls in, as Graphviz DOT. Solid edges are hard dependencies, reduced
 * to the direct ones (modules.dep lists every module needed, transitively; an edge A -> C is drawn only if no
 * other dependency of A needs C). Dashed edges are softdeps, labelled pre or post; dotted edges lead from an alias
 * to the modules it names. Built-in modules are boxes.
 */
public final class DotGraph {
    private DotGraph() {}

    public static String dot(ModuleLookup<ModuleDirectory> lookup, String given) {
        ModuleDirectory dir = lookup.directory();
        StringBuilder b = new StringBuilder();
        b.append("digraph ").append(quote(given)).append(" {\n");
        b.append("  node [shape=ellipse];\n");
        List<Ref> roots = lookup.resolve(given);
        Deque<String> todo = new ArrayDeque<>();
        Set<String> seen = new LinkedHashSet<>();
        String normalized = ModuleNames.underscores(given);
        for (Ref r : roots) {
            if (!r.name().equals(normalized)) {
                edge(b, given, r.name(), "style=dotted, label=\"alias\"");
            }
            todo.add(r.name());
        }
        while (!todo.isEmpty()) {
            String m = todo.poll();
            if (!seen.add(m)) {
                continue;
            }
            if (dir.isBuiltin(m)) {
                b.append("  ").append(quote(m)).append(" [shape=box];\n");
            } else if (!dir.has(m)) {
                b.append("  ").append(quote(m)).append(" [style=dashed];\n");
            } else {
                b.append("  ").append(quote(m)).append(";\n");
            }
            for (String d : directDependencies(dir, m)) {
                edge(b, m, d, null);
                todo.add(d);
            }
            ModprobeConfig.Softdep sd = lookup.config().softdepsFor(m);
            if (sd != null) {
                softEdges(b, lookup, m, sd.pre(), "pre", todo);
                softEdges(b, lookup, m, sd.post(), "post", todo);
            }
        }
        return b.append("}\n").toString();
    }

    private static void softEdges(StringBuilder b, ModuleLookup<ModuleDirectory> lookup, String from, List<String> names, String label,
            Deque<String> todo) {
        for (String n : names) {
            for (Ref r : lookup.resolve(n)) {
                edge(b, from, r.name(), "style=dashed, label=\"" + label + "\"");
                todo.add(r.name());
            }
        }
    }

    /** The dependencies of {@code m} that no other dependency of {@code m} needs. */
    static List<String> directDependencies(ModuleDirectory dir, String m) {
        List<String> all = dir.dependencies(m);
        List<String> direct = new ArrayList<>();
        for (String d : all) {
            boolean indirect = false;
            for (String other : all) {
                if (!other.equals(d) && dir.dependencies(other).contains(d)) {
                    indirect = true;
                    break;
                }
            }
            if (!indirect) {
                direct.add(d);
            }
        }
        return direct;
    }

    private static void edge(StringBuilder b, String from, String to, String attrs) {
        b.append("  ").append(quote(from)).append(" -> ").append(quote(to));
        if (attrs != null) {
            b.append(" [").append(attrs).append(']');
        }
        b.append(";\n");
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
