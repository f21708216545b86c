package modkit.kernel;

import java.util.List;

/**
 * {@code delete_module}, two-stage as in the kernel: the checks of loader-model.md §11 in the kernel's order, then
 * the module is marked GOING (no new reference can be taken) and the lock is released; exit runs; then a second
 * transaction sends the GOING notification and frees it.
 */
final class Unload {
    private final StateDb db;
    private final Lifecycle life;
    private final KernelProfile profile;

    Unload(StateDb db, KernelProfile profile) {
        this.db = db;
        this.life = new Lifecycle(db);
        this.profile = profile;
    }

    /** Outcome of the first stage: marked GOING, or still referenced and the caller may wait. */
    enum Stage { GOING, REFERENCED }

    Stage begin(String name, boolean force, boolean mayWait) {
        LoadedModule m = ModuleList.find(db, name);
        if (m == null) {
            throw new KernelException("ENOENT", "Module " + name + " is not currently loaded", null);
        }
        if (!profile.moduleUnload()) {
            throw new KernelException("EBUSY", "Module unloading is not supported by this kernel (no CONFIG_MODULE_UNLOAD)", null);
        }
        if (!m.holders().isEmpty()) {
            // Even a forced unload does not remove a module other modules link against.
            throw new KernelException("EWOULDBLOCK", "Module " + name + " is in use by: " + String.join(" ", m.holders()),
                    "remove its users first: rmmod " + String.join(" ", m.holders()) + " " + name);
        }
        if (m.state() != ModuleState.LIVE) {
            throw new KernelException("EBUSY", "Module " + name + " is " + m.state().name().toLowerCase()
                    + (m.state() == ModuleState.COMING ? " (its init has not finished)" : " (it is being removed)"), null);
        }
        boolean forced = force && profile.forceUnloadAllowed();
        if (m.hasInit() && !m.hasExit() && !forced) {
            throw new KernelException("EBUSY", "Module " + name + " has no exit function and cannot be removed ([permanent])",
                    profile.forceUnloadAllowed() ? "rmmod -f forces it (taints the kernel R)" : null);
        }
        long refs = m.refcnt() - m.holders().size();
        if (refs > 0 && !forced) {
            if (mayWait) {
                return Stage.REFERENCED;
            }
            throw new KernelException("EWOULDBLOCK", "Module " + name + " is in use (" + refs + " reference"
                    + (refs == 1 ? "" : "s") + " held)",
                    "rmmod -w waits for the references to be dropped"
                            + (profile.forceUnloadAllowed() ? "; rmmod -f removes it anyway (taints R)"
                                    : " (this kernel has no CONFIG_MODULE_FORCE_UNLOAD, so -f cannot help)"));
        }
        if (force && !profile.forceUnloadAllowed() && refs > 0) {
            throw new KernelException("EWOULDBLOCK", "Module " + name + " is in use and this kernel has no CONFIG_MODULE_FORCE_UNLOAD", null);
        }
        life.setState(name, ModuleState.GOING, Owner.current());
        if (forced && (refs > 0 || (m.hasInit() && !m.hasExit()))) {
            life.taintKernel(String.valueOf(Taint.letter(Taint.FORCED_RMMOD)));
            life.event(name, "FORCED", "forced removal with " + refs + " reference" + (refs == 1 ? "" : "s") + " held; kernel tainted R");
        }
        return Stage.GOING;
    }

    /** After exit(): notifier GOING, then the module is freed. */
    void finish(String name) {
        life.event(name, "GOING", null);
        life.free(name);
    }

    /** For rmmod -w: the module's explicit references, or -1 once it is gone. */
    long references(String name) {
        List<Long> r = db.query("SELECT refcnt FROM modules WHERE name = ?", x -> x.getLong(1), name);
        return r.isEmpty() ? -1 : r.getFirst();
    }
}
