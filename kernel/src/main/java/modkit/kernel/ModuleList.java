package modkit.kernel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The module list as /proc/modules shows it, read from the simulated kernel's tables. */
final class ModuleList {
    private ModuleList() {}

    private static final String CORE = "g.name NOT LIKE 'init%' AND g.name NOT IN ('percpu', 'kmalloc')";

    /** Every formed module (not UNFORMED), newest first. */
    static List<LoadedModule> read(StateDb db) {
        return select(db, "");
    }

    static LoadedModule find(StateDb db, String name) {
        List<LoadedModule> one = select(db, " AND m.name = ?", name);
        return one.isEmpty() ? null : one.getFirst();
    }

    private static List<LoadedModule> select(StateDb db, String where, Object... args) {
        Map<String, List<String>> holders = new HashMap<>();
        // The kernel's source_list order: a new user goes to the front, so the newest user comes first.
        for (String[] u : db.query("SELECT u.used, u.user FROM uses u JOIN modules m ON m.name = u.user ORDER BY m.seq DESC",
                r -> new String[] {r.getString(1), r.getString(2)})) {
            holders.computeIfAbsent(u[0], k -> new ArrayList<>()).add(u[1]);
        }
        return db.query("SELECT m.name, m.state, m.refcnt, m.taints, m.has_init, m.has_exit, m.file,"
                + " (SELECT MIN(address) FROM regions g WHERE g.module = m.name AND " + CORE + "),"
                + " (SELECT COALESCE(SUM(size), 0) FROM regions g WHERE g.module = m.name AND " + CORE + "),"
                + " (SELECT COALESCE(SUM(size), 0) FROM regions g WHERE g.module = m.name AND g.name LIKE 'init%')"
                + " FROM modules m WHERE m.state <> 'UNFORMED'" + where + " ORDER BY m.seq DESC", r -> {
                    String name = r.getString(1);
                    List<String> h = holders.getOrDefault(name, List.of());
                    long core = r.getLong(9);
                    long init = r.getLong(10);
                    // module_refcount(): one reference per user module, plus the explicit ones (try_module_get).
                    return new LoadedModule(name, ModuleState.valueOf(r.getString(2)), r.getLong(8), core + init, core,
                            init, r.getInt(3) + h.size(), List.copyOf(h), r.getString(4), r.getInt(5) != 0,
                            r.getInt(6) != 0, r.getString(7));
                }, args);
    }
}
