package modkit.kernel.sqlite;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/** SQLite's result codes and the plumbing shared by the connection and its statements. */
final class Sqlite {
    static final int OK = 0;
    static final int MISUSE = 21;
    static final int ROW = 100;
    static final int DONE = 101;

    /** Primary result codes by name, for messages (the extended code's low byte is its primary code). */
    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "SQLITE_ERROR"), Map.entry(3, "SQLITE_PERM"), Map.entry(4, "SQLITE_ABORT"),
            Map.entry(5, "SQLITE_BUSY"), Map.entry(6, "SQLITE_LOCKED"), Map.entry(7, "SQLITE_NOMEM"),
            Map.entry(8, "SQLITE_READONLY"), Map.entry(10, "SQLITE_IOERR"), Map.entry(11, "SQLITE_CORRUPT"),
            Map.entry(13, "SQLITE_FULL"), Map.entry(14, "SQLITE_CANTOPEN"), Map.entry(15, "SQLITE_PROTOCOL"),
            Map.entry(19, "SQLITE_CONSTRAINT"), Map.entry(21, "SQLITE_MISUSE"), Map.entry(26, "SQLITE_NOTADB"));

    private Sqlite() {
    }

    /** The exception for result code {@code rc}, with the connection's message when it has one. */
    static SqliteException failure(SqliteLibrary lib, MemorySegment db, int rc) {
        String message = null;
        if (!db.equals(MemorySegment.NULL)) {
            message = string(lib.call(lib.errmsg, db.address()));
        }
        if (message == null || message.isEmpty() || message.equals("not an error")) {
            message = string(lib.call(lib.errstr, rc));
        }
        return new SqliteException(message + " (" + NAMES.getOrDefault(rc & 0xff, "SQLite error " + rc) + ")", rc);
    }

    /** A C string SQLite owns, as Java text. */
    private static String string(long address) {
        return address == 0 ? null : MemorySegment.ofAddress(address).reinterpret(Integer.MAX_VALUE).getString(0);
    }
}
