package modkit.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * The pieces of the kernel's module lifecycle that loads, unloads and recovery share: the state of a name, the
 * notifier log, freeing a module ({@code free_module}) and the kernel's sticky taint. Callers run these inside
 * a {@link StateDb#write} transaction.
 */
final class Lifecycle {
    static final long POLL_MILLIS = 20;

    private final StateDb db;

    Lifecycle(StateDb db) {
        this.db = db;
    }

    ModuleState state(String name) {
        String s = db.first("SELECT state FROM modules WHERE name = ?", r -> r.getString(1), name);
        return s == null ? null : ModuleState.valueOf(s);
    }

    void setState(String name, ModuleState state, Owner owner) {
        db.exec("UPDATE modules SET state = ?, owner_pid = ?, owner_start = ? WHERE name = ?", state.name(),
                owner == null ? null : owner.pid(), owner == null ? null : owner.start(), name);
    }

    void event(String module, String event, String detail) {
        db.exec("INSERT INTO events(time, module, event, detail) VALUES (?, ?, ?, ?)", System.currentTimeMillis(), module,
                event, detail);
    }

    /** {@code free_module}: drops the references it took, its exports, memory and parameters, and unlinks it. */
    void free(String name) {
        db.exec("DELETE FROM uses WHERE user = ?", name);
        db.exec("DELETE FROM modules WHERE name = ?", name);
    }

    /** Adds taint letters to the kernel's own taint; like the kernel's, it is never cleared. */
    void taintKernel(String letters) {
        String now = db.first("SELECT taints FROM kernel", r -> r.getString(1));
        String merged = Taint.merge(now == null ? "" : now, letters);
        if (!merged.equals(now)) {
            db.exec("UPDATE kernel SET taints = ?", merged);
        }
    }

    String kernelTaints() {
        String t = db.first("SELECT taints FROM kernel", r -> r.getString(1));
        return t == null ? "" : t;
    }

    /**
     * Finishes what a vanished process left half-done: a module it left UNFORMED or COMING never became live and
     * is unwound as a failed init would be (notifier GOING, freed); one it left GOING is freed, as the unload it
     * had started would have. Returns one line per module cleaned.
     */
    List<String> recover() {
        record Stuck(String name, ModuleState state, long pid, long start) {}
        List<Stuck> stuck = db.query("SELECT name, state, owner_pid, owner_start FROM modules"
                + " WHERE state <> 'LIVE' AND owner_pid IS NOT NULL",
                r -> new Stuck(r.getString(1), ModuleState.valueOf(r.getString(2)), r.getLong(3), r.getLong(4)));
        List<String> notices = new ArrayList<>();
        for (Stuck s : stuck) {
            if (new Owner(s.pid(), s.start()).isAlive()) {
                continue;
            }
            String what = s.state() == ModuleState.GOING ? "finished its unload" : "unwound it as a failed init";
            event(s.name(), "GOING", "recovered: process " + s.pid() + " left it " + s.state().name().toLowerCase());
            free(s.name());
            notices.add("recovered: module " + s.name() + " was left " + s.state().name().toLowerCase() + " by process "
                    + s.pid() + ", which is gone; " + what);
        }
        return notices;
    }
}
