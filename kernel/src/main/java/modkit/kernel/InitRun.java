package modkit.kernel;

/**
 * {@code do_init_module} for a simulated module: the module's code cannot run here, so init is a transition
 * whose outcome the fault-injection table decides ({@code sim init-delay} makes it slow, {@code sim fail-init}
 * makes it return an error). No lock is held while init "runs": other commands go on, and see the module COMING.
 */
final class InitRun {
    private final StateDb db;
    private final Lifecycle life;
    private final ModuleImage image;

    InitRun(StateDb db, Lifecycle life, ModuleImage image) {
        this.db = db;
        this.life = life;
        this.image = image;
    }

    /** Runs init; returns the bytes of init memory freed, or throws the init's error after unwinding. */
    long run() {
        record Fault(String errno, long delayMillis) {}
        Fault f = db.first("SELECT fail_errno, delay_ms FROM faults WHERE module = ?",
                r -> new Fault(r.getString(1), r.getLong(2)), image.name());
        if (f != null && f.delayMillis() > 0) {
            sleep(f.delayMillis());
        }
        if (f != null && f.errno() != null && image.init() != 0) {
            Errno e = Errno.byName(f.errno());
            db.write(() -> {
                // The half-init path: GOING, notifier, references dropped, memory freed, waiters woken.
                life.setState(image.name(), ModuleState.GOING, Owner.current());
                life.event(image.name(), "GOING", "init failed: " + e.name());
                life.free(image.name());
                return null;
            });
            throw new KernelException(e.name(), image.file() + ": init of module " + image.name() + " failed: "
                    + e.text() + " (" + e.name() + ", set by: modkit sim fail-init " + image.name() + " " + e.name() + ")",
                    "nothing of the module stayed loaded; to let init succeed: modkit sim clear " + image.name());
        }
        return db.write(() -> {
            life.setState(image.name(), ModuleState.LIVE, null);
            life.event(image.name(), "LIVE", null);
            // Init memory goes back once init has succeeded; only the core stays.
            Long freed = db.first("SELECT COALESCE(SUM(size), 0) FROM regions WHERE module = ? AND name LIKE 'init%'",
                    r -> r.getLong(1), image.name());
            db.exec("DELETE FROM regions WHERE module = ? AND name LIKE 'init%'", image.name());
            return freed == null ? 0L : freed;
        });
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
