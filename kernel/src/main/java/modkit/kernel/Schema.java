package modkit.kernel;

import java.util.List;

/** The simulated kernel's tables. Addresses are stored as signed 64-bit integers (the bits of the address). */
final class Schema {
    private Schema() {}

    static final List<String> TABLES = List.of(
            "CREATE TABLE kernel (schema INTEGER NOT NULL, profile BLOB NOT NULL)",
            // seq orders the module list: the newest module has the highest seq and comes first.
            "CREATE TABLE modules (name TEXT PRIMARY KEY, seq INTEGER NOT NULL, state TEXT NOT NULL,"
                    + " file TEXT, taints TEXT NOT NULL, proprietary INTEGER NOT NULL, has_init INTEGER NOT NULL,"
                    + " has_exit INTEGER NOT NULL, refcnt INTEGER NOT NULL, params TEXT)",
            "CREATE TABLE regions (module TEXT NOT NULL REFERENCES modules(name) ON DELETE CASCADE, name TEXT NOT NULL,"
                    + " address INTEGER NOT NULL, size INTEGER NOT NULL, bytes BLOB, PRIMARY KEY (module, name))",
            "CREATE TABLE exports (name TEXT PRIMARY KEY, module TEXT NOT NULL REFERENCES modules(name) ON DELETE CASCADE,"
                    + " address INTEGER NOT NULL, crc INTEGER, gpl INTEGER NOT NULL, namespace TEXT NOT NULL)",
            "CREATE TABLE uses (user TEXT NOT NULL REFERENCES modules(name) ON DELETE CASCADE,"
                    + " used TEXT NOT NULL REFERENCES modules(name), PRIMARY KEY (user, used))");
}
