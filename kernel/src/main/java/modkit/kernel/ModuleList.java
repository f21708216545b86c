package modkit.kernel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reading the module list and {@code delete_module}, on the simulated kernel's tables. */
final class ModuleList {
    private ModuleList() {}

    static List<LoadedModule> read(Connection db) throws SQLException {
        Map<String, List<String>> holders = new HashMap<>();
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT used, user FROM uses ORDER BY user")) {
            while (r.next()) {
                holders.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(r.getString(2));
            }
        }
        List<LoadedModule> out = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT m.name, m.state, m.refcnt, m.taints, m.has_init, m.has_exit, m.file,"
                        + " (SELECT MIN(address) FROM regions g WHERE g.module = m.name AND g.name NOT LIKE 'init%' AND g.name <> 'percpu'),"
                        + " (SELECT COALESCE(SUM(size), 0) FROM regions g WHERE g.module = m.name AND g.name NOT LIKE 'init%' AND g.name <> 'percpu'),"
                        + " (SELECT COALESCE(SUM(size), 0) FROM regions g WHERE g.module = m.name AND g.name LIKE 'init%')"
                        + " FROM modules m WHERE m.state <> 'UNFORMED' ORDER BY m.seq DESC")) {
            while (r.next()) {
                String name = r.getString(1);
                List<String> h = holders.getOrDefault(name, List.of());
                long core = r.getLong(9);
                long init = r.getLong(10);
                out.add(new LoadedModule(name, ModuleState.valueOf(r.getString(2)), r.getLong(8), core + init, core, init,
                        r.getInt(3) + h.size(), List.copyOf(h), r.getString(4), r.getInt(5) != 0, r.getInt(6) != 0,
                        r.getString(7)));
            }
        }
        return out;
    }

    /** delete_module's checks in the kernel's order (loader-model.md §11), then the module is freed. */
    static void delete(Connection db, KernelProfile profile, String name, boolean force) throws SQLException {
        LoadedModule m = null;
        for (LoadedModule x : read(db)) {
            if (x.name().equals(name)) {
                m = x;
            }
        }
        if (m == null) {
            throw new KernelException("ENOENT", "Module " + name + " is not currently loaded", null);
        }
        if (!profile.moduleUnload()) {
            throw new KernelException("EBUSY", "Module unloading is not supported by this kernel (no CONFIG_MODULE_UNLOAD)", null);
        }
        boolean forced = force && profile.forceUnloadAllowed();
        if (!m.holders().isEmpty() && !forced) {
            throw new KernelException("EWOULDBLOCK", "Module " + name + " is in use by: " + String.join(" ", m.holders()),
                    "remove " + String.join(", ", m.holders()) + " first, or run: modprobe -r " + name);
        }
        if (m.state() != ModuleState.LIVE) {
            throw new KernelException("EBUSY", "Module " + name + " is " + m.state().name().toLowerCase(), null);
        }
        if (m.hasInit() && !m.hasExit() && !forced) {
            throw new KernelException("EBUSY", "Module " + name + " has no exit function and cannot be removed ([permanent])", null);
        }
        if (m.refcnt() - m.holders().size() > 0 && !forced) {
            throw new KernelException("EWOULDBLOCK", "Module " + name + " is in use", null);
        }
        try (PreparedStatement p = db.prepareStatement("DELETE FROM uses WHERE used = ?")) {
            p.setString(1, name);
            p.executeUpdate();
        }
        try (PreparedStatement p = db.prepareStatement("DELETE FROM modules WHERE name = ?")) {
            p.setString(1, name);
            p.executeUpdate();
        }
    }
}
