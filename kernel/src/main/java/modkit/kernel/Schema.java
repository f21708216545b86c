package modkit.kernel;

import java.util.List;

/** The simulated kernel's tables. Addresses are stored as signed 64-bit integers (the bits of the address). */
final class Schema {
    private Schema() {}

    /** Bumped when the tables change; an older state is refused with a hint to boot a fresh one. */
    static final int VERSION = 2;

    /** insmod -S: a module's own symbols (local ones too), for the kernel's symbol listing. Added after version 2. */
    static final String MODULE_SYMBOLS = "CREATE TABLE IF NOT EXISTS module_symbols (module TEXT NOT NULL REFERENCES modules(name)"
            + " ON DELETE CASCADE, name TEXT NOT NULL, address INTEGER NOT NULL)";

    /**
     * Brings a version-2 state written before the additions up to date, in place and idempotently: modules.autoclean
     * (insmod -k) and module_symbols (insmod -S). An older modkit ignores both.
     */
    static final List<String> ADDITIONS = List.of(MODULE_SYMBOLS);

    static final List<String> TABLES = List.of(
            // taints: the kernel-wide taint letters, sticky as in the kernel (unloading does not clear them).
            "CREATE TABLE kernel (schema INTEGER NOT NULL, profile BLOB NOT NULL, taints TEXT NOT NULL DEFAULT '')",
            // seq orders the module list: the newest module has the highest seq and comes first.
            // owner_pid/owner_start: the process that moved the module into a transient state (UNFORMED, COMING,
            // GOING); if that process is gone, the next command finishes or undoes its work (Recovery).
            // refcnt: explicit references (sim get/put); users recorded in `uses` count on top.
            "CREATE TABLE modules (name TEXT PRIMARY KEY, seq INTEGER NOT NULL, state TEXT NOT NULL,"
                    + " file TEXT, taints TEXT NOT NULL, proprietary INTEGER NOT NULL, has_init INTEGER NOT NULL,"
                    + " has_exit INTEGER NOT NULL, refcnt INTEGER NOT NULL, params TEXT,"
                    + " owner_pid INTEGER, owner_start INTEGER, autoclean INTEGER NOT NULL DEFAULT 0)",
            "CREATE TABLE regions (module TEXT NOT NULL REFERENCES modules(name) ON DELETE CASCADE, name TEXT NOT NULL,"
                    + " address INTEGER NOT NULL, size INTEGER NOT NULL, bytes BLOB, PRIMARY KEY (module, name))",
            "CREATE TABLE exports (name TEXT PRIMARY KEY, module TEXT NOT NULL REFERENCES modules(name) ON DELETE CASCADE,"
                    + " address INTEGER NOT NULL, crc INTEGER, gpl INTEGER NOT NULL, namespace TEXT NOT NULL)",
            "CREATE TABLE uses (user TEXT NOT NULL REFERENCES modules(name) ON DELETE CASCADE,"
                    + " used TEXT NOT NULL REFERENCES modules(name), PRIMARY KEY (user, used))",
            // The module's parameters as sysfs shows them: where each variable lives and how to read it.
            "CREATE TABLE params (module TEXT NOT NULL REFERENCES modules(name) ON DELETE CASCADE, name TEXT NOT NULL,"
                    + " type TEXT NOT NULL, address INTEGER NOT NULL, size INTEGER NOT NULL, perm INTEGER NOT NULL,"
                    + " PRIMARY KEY (module, name))",
            // The notifier chain's log (module_notify_list): COMING, LIVE, GOING.
            "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, module TEXT NOT NULL,"
                    + " event TEXT NOT NULL, detail TEXT)",
            // Fault injection: sim fail-init / init-delay / exit-delay / clear. Kept across loads of the module.
            MODULE_SYMBOLS,
            "CREATE TABLE faults (module TEXT PRIMARY KEY, fail_errno TEXT, delay_ms INTEGER NOT NULL DEFAULT 0,"
                    + " exit_delay_ms INTEGER NOT NULL DEFAULT 0)");
}
