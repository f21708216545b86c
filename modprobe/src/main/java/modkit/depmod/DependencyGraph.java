package modkit.depmod;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import modkit.elf.ModuleSummary;

/**
 * Who needs whom: each needed symbol is looked up among the exports of all modules (and of the kernel, when
 * {@code -F}/{@code -E} supplied them), giving each module its direct dependencies; then a topological sort gives
 * every module a global position, and each modules.dep line lists a module's transitive dependencies in that
 * order, users before what they use.
 *
 * <p>The sort is kmod's: start from the modules nobody uses (in module order), take the last one found, append it,
 * and release its dependencies in the order they were found, a dependency becoming ready when its last user has
 * been taken. Matching kmod's order makes modules.dep byte-identical. When two modules export one symbol, the later
 * module (in module order) owns it, as in kmod. Modules left over are in, or needed by, a dependency cycle; the
 * cycles are reported as kmod reports them ({@link #findCycles}), each as {@code a -> b -> c -> a}.
 */
public final class DependencyGraph {
    /** How unresolved and mismatched symbols are reported ({@code depmod -e}). */
    public record Checks(boolean printUnknown, boolean checkCrcs, char symbolPrefix) {}

    private static final int KERNEL = -1;

    private record Owner(int module, long crc) {}

    private final List<ModuleScanner.Scanned> modules;
    private final Map<String, Owner> symbols;
    private final int[][] deps;
    private final int[] sortIndex;
    private final List<String> cycles = new ArrayList<>();
    private int modulesInCycles;
    private int[] seenStamp; // allDependencies: seenStamp[m] == generation means visited in this call
    private int generation;

    private DependencyGraph(List<ModuleScanner.Scanned> modules, Map<String, Owner> symbols, int[][] deps) {
        this.modules = modules;
        this.symbols = symbols;
        this.deps = deps;
        this.sortIndex = new int[modules.size()];
    }

    /**
     * Resolves and sorts. {@code kernel} maps kernel symbols to CRCs, or is null; {@code warn} receives the
     * {@code -e} lines ("PATH needs unknown symbol NAME", "PATH disagrees about version of symbol NAME").
     */
    public static DependencyGraph build(List<ModuleScanner.Scanned> modules, Map<String, Long> kernel, Checks checks,
            Consumer<String> warn) {
        Map<String, Owner> symbols = new HashMap<>(modules.size() * 8);
        if (kernel != null) {
            for (Map.Entry<String, Long> e : kernel.entrySet()) {
                symbols.put(e.getKey(), new Owner(KERNEL, e.getValue()));
            }
        }
        for (int i = 0; i < modules.size(); i++) {
            addExports(symbols, i, modules.get(i), checks.symbolPrefix());
        }
        int[][] deps = new int[modules.size()][];
        for (int i = 0; i < modules.size(); i++) { // (the body is a method: see resolve)
            deps[i] = resolve(modules.get(i), symbols, checks, warn);
        }
        DependencyGraph g = new DependencyGraph(modules, symbols, deps);
        g.sort();
        return g;
    }

    private static void addExports(Map<String, Owner> symbols, int i, ModuleScanner.Scanned m, char prefix) {
        for (ModuleSummary.Symbol s : m.summary().exports()) {
            symbols.put(strip(s.name(), prefix, false), new Owner(i, s.crc()));
        }
    }

    /**
     * One module's dependencies, each once, in the order first needed. A method of its own so that the JIT
     * compiles it after a few hundred modules: the loop over all of them runs once, interpreted.
     */
    private static int[] resolve(ModuleScanner.Scanned m, Map<String, Owner> symbols, Checks checks,
            Consumer<String> warn) {
        int[] found = new int[8];
        int count = 0;
        for (ModuleSummary.Symbol need : m.summary().needs()) {
            Owner o = symbols.get(strip(need.name(), checks.symbolPrefix(), true));
            if (o == null) {
                if (checks.printUnknown() && !need.weak()) {
                    warn.accept(m.file().path() + " needs unknown symbol " + need.name());
                }
                continue;
            }
            if (checks.checkCrcs() && o.crc() != need.crc() && !need.weak() && checks.printUnknown()) {
                warn.accept(m.file().path() + " disagrees about version of symbol " + need.name());
            }
            if (o.module() != KERNEL && indexOf(found, count, o.module()) < 0) {
                found = push(found, count++, o.module());
            }
        }
        return Arrays.copyOf(found, count);
    }

    /** kmod strips a leading '.' (PPC64 function descriptors) when looking up, and the -P prefix. */
    private static String strip(String name, char prefix, boolean lookup) {
        String n = name;
        if (lookup && n.startsWith(".")) {
            n = n.substring(1);
        }
        if (prefix != 0 && !n.isEmpty() && n.charAt(0) == prefix) {
            n = n.substring(1);
        }
        return n;
    }

    private void sort() {
        int n = modules.size();
        int[] users = new int[n];
        for (int[] d : deps) {
            for (int x : d) {
                users[x]++;
            }
        }
        int[] stack = new int[n];
        int top = 0;
        for (int i = 0; i < n; i++) {
            if (users[i] == 0) {
                stack[top++] = i;
            }
        }
        Arrays.fill(sortIndex, Integer.MAX_VALUE);
        int sorted = 0;
        while (top > 0) {
            int src = stack[--top];
            sortIndex[src] = sorted++;
            for (int dst : deps[src]) {
                if (--users[dst] == 0) {
                    stack[top++] = dst;
                }
            }
        }
        if (sorted < n) {
            findCycles(users);
        }
        for (int[] d : deps) {
            sortBySortIndex(d);
        }
    }

    /** A module has a handful of direct dependencies: a linear search beats a hash set of boxed integers. */
    private static int indexOf(int[] a, int count, int v) {
        for (int k = 0; k < count; k++) {
            if (a[k] == v) {
                return k;
            }
        }
        return -1;
    }

    /** Sorts module indexes by their position in the sort, stably. */
    private void sortBySortIndex(int[] d) {
        if (d.length > 1) {
            int[] was = d.clone();
            int[] order = StableOrder.byKey(was.length, i -> sortIndex[was[i]]);
            for (int i = 0; i < d.length; i++) {
                d[i] = was[order[i]];
            }
        }
    }

    /** A step of the cycle search: a module and the step it was reached from. */
    private record Vertex(int module, Vertex parent) {}

    /**
     * kmod's {@code depmod_report_cycles} (depmod.c, the same in kmod 30 and 34), step for step, so that the same
     * cycles come out in the same order: the roots are the left-over modules in module order; from each, a
     * depth-first walk with an explicit stack (dependencies pushed in the order found, so taken last first) that
     * reports a cycle each time it comes back to its root, and removes the modules of every reported cycle, and
     * every dead end, from the roots still to walk. The roots are kmod's circular list ({@link Roots}), whose head
     * moves to the neighbour of each module removed, which decides which root is walked next.
     *
     * <p>Two departures, both where kmod goes wrong: kmod keeps its "visited" marks from one root to the next, so a
     * root an earlier walk passed through without reporting it is reported alone ("Cycle detected: m") and its own
     * cycles are lost; here each walk starts afresh. And a walk that enters a ring not through its root does not go
     * round that ring again (kmod loops there until its stack overflows: with Debian's kmod 30, an assertion
     * failure).
     */
    private void findCycles(int[] users) {
        int n = modules.size();
        Roots roots = new Roots();
        for (int i = 0; i < n; i++) {
            if (users[i] > 0) {
                roots.ring.add(i);
            }
        }
        Set<String> inCycles = new HashSet<>();
        while (!roots.ring.isEmpty()) {
            int root = roots.ring.remove(0);
            boolean[] visited = new boolean[n];
            ArrayDeque<Vertex> stack = new ArrayDeque<>();
            stack.push(new Vertex(root, null));
            while (!stack.isEmpty()) {
                Vertex v = stack.pop();
                int m = v.module();
                if (visited[m] && m == root) {
                    reportCycle(v, roots, inCycles);
                    continue;
                }
                visited[m] = true;
                if (deps[m].length == 0) {
                    roots.remove(m);
                    continue;
                }
                for (int d : deps[m]) {
                    if (d != root && onPath(v, d)) {
                        continue;
                    }
                    stack.push(new Vertex(d, v));
                }
            }
        }
        modulesInCycles = inCycles.size();
    }

    /**
     * kmod's list of roots: circular, held by its head. Taking the head makes its successor the head; removing any
     * other module ({@code kmod_list_remove_data}) makes the removed one's successor the head, so the list turns.
     */
    private static final class Roots {
        final List<Integer> ring = new ArrayList<>();

        void remove(int module) {
            int k = ring.indexOf(module);
            if (k < 0) {
                return;
            }
            ring.remove(k);
            if (!ring.isEmpty()) {
                java.util.Collections.rotate(ring, -(k % ring.size()));
            }
        }
    }

    private static boolean onPath(Vertex v, int module) {
        for (Vertex p = v; p != null; p = p.parent()) {
            if (p.module() == module) {
                return true;
            }
        }
        return false;
    }

    /** "root -> ... -> root": the path to {@code end} (which is the root again), from the root down. */
    private void reportCycle(Vertex end, Roots roots, Set<String> inCycles) {
        List<Integer> path = new ArrayList<>();
        for (Vertex p = end.parent(); p != null; p = p.parent()) {
            path.add(p.module());
            inCycles.add(name(p.module()));
        }
        StringBuilder sb = new StringBuilder();
        for (int k = path.size() - 1; k >= 0; k--) {
            sb.append(name(path.get(k))).append(" -> ");
            roots.remove(path.get(k));
        }
        cycles.add(sb.append(name(end.module())).toString());
    }

    private String name(int i) {
        return modules.get(i).file().modname();
    }

    /** Each cycle as {@code a -> b -> c -> a}; empty if there is none. */
    public List<String> cycles() {
        return cycles;
    }

    /** How many distinct modules the reported cycles go through. */
    public int modulesInCycles() {
        return modulesInCycles;
    }

    /** Direct dependencies of module {@code i}, in sort order. */
    public int[] directDependencies(int i) {
        return deps[i];
    }

    /**
     * All dependencies of module {@code i}, transitively, each once, users before what they use. Not thread-safe:
     * it reuses one visited-marker array.
     */
    public int[] allDependencies(int i) {
        if (seenStamp == null) {
            seenStamp = new int[modules.size()];
        }
        int stamp = ++generation;
        int[] out = new int[16];
        int count = 0;
        int[] work = new int[16];
        int top = 0;
        for (int d : deps[i]) {
            work = push(work, top++, d);
        }
        while (top > 0) {
            int m = work[--top];
            if (seenStamp[m] == stamp) {
                continue;
            }
            seenStamp[m] = stamp;
            if (count == out.length) {
                out = Arrays.copyOf(out, count * 2);
            }
            out[count++] = m;
            for (int d : deps[m]) {
                if (seenStamp[d] != stamp) {
                    work = push(work, top++, d);
                }
            }
        }
        int[] result = Arrays.copyOf(out, count);
        sortBySortIndex(result);
        return result;
    }

    private static int[] push(int[] a, int at, int v) {
        int[] b = at == a.length ? Arrays.copyOf(a, a.length * 2) : a;
        b[at] = v;
        return b;
    }

    /** Each exported symbol with the module that owns it (kernel symbols excluded), in no particular order. */
    public List<Map.Entry<String, Integer>> symbolOwners() {
        List<Map.Entry<String, Integer>> out = new ArrayList<>(symbols.size());
        for (Map.Entry<String, Owner> e : symbols.entrySet()) {
            addOwner(out, e);
        }
        return out;
    }

    private static void addOwner(List<Map.Entry<String, Integer>> out, Map.Entry<String, Owner> e) {
        if (e.getValue().module() != KERNEL) {
            out.add(Map.entry(e.getKey(), e.getValue().module()));
        }
    }
}
