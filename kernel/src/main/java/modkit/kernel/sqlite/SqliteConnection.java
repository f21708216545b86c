package modkit.kernel.sqlite;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * One open SQLite database. Not shared between threads without the caller's own locking of statements; the
 * connection itself is opened in SQLite's serialized mode, so calls from several threads cannot corrupt it.
 */
public final class SqliteConnection implements AutoCloseable {
    private static final int OPEN_READWRITE = 0x2;
    private static final int OPEN_CREATE = 0x4;
    private static final int OPEN_FULLMUTEX = 0x10000;

    final SqliteLibrary lib;
    final MemorySegment db;
    private boolean closed;

    private SqliteConnection(SqliteLibrary lib, MemorySegment db) {
        this.lib = lib;
        this.db = db;
    }

    /** Opens (creating if needed) the database file at {@code path}. */
    public static SqliteConnection open(Path path) throws SqliteException {
        SqliteLibrary lib = SqliteLibrary.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            int rc = lib.callInt(lib.openV2, cString(arena, path.toString()).address(), out.address(),
                    OPEN_READWRITE | OPEN_CREATE | OPEN_FULLMUTEX, 0);
            MemorySegment db = pointerAt(out);
            if (rc != Sqlite.OK) {
                // SQLite hands back a handle even when opening fails, to carry the message; it must still be closed.
                SqliteException e = Sqlite.failure(lib, db, rc);
                if (!db.equals(MemorySegment.NULL)) {
                    lib.callInt(lib.closeV2, db.address());
                }
                throw e;
            }
            return new SqliteConnection(lib, db);
        }
    }

    /** How long a statement waits for another process's lock before it fails with SQLITE_BUSY. */
    public void busyTimeout(int millis) throws SqliteException {
        check(lib.callInt(lib.busyTimeout, db.address(), millis));
    }

    /** Runs one statement that returns no rows (DDL, BEGIN, COMMIT, a pragma that sets). */
    public void exec(String sql) throws SqliteException {
        try (SqliteStatement s = prepare(sql)) {
            s.execute();
        }
    }

    /** Compiles one SQL statement; parameters are bound by the caller, numbered from 1. */
    public SqliteStatement prepare(String sql) throws SqliteException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment text = cString(arena, sql);
            check(lib.callInt(lib.prepareV2, db.address(), text.address(), -1, out.address(), 0));
            MemorySegment stmt = pointerAt(out);
            if (stmt.equals(MemorySegment.NULL)) {
                throw new SqliteException("no SQL statement in: " + sql, Sqlite.MISUSE);
            }
            return new SqliteStatement(this, stmt);
        }
    }

    // Strings in and pointers out by bulk copies: a segment's get/set and allocateFrom go through VarHandles,
    // whose first use spins a dozen method handle classes (15 ms of an lsmod).

    /** {@code s} as a NUL-terminated UTF-8 string in {@code arena}. */
    static MemorySegment cString(Arena arena, String s) {
        byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        MemorySegment m = arena.allocate(utf8.length + 1L); // zeroed: the terminator is there
        MemorySegment.copy(utf8, 0, m, ValueLayout.JAVA_BYTE, 0, utf8.length);
        return m;
    }

    /** The pointer SQLite stored in {@code out} (a {@code T**} out-parameter). */
    static MemorySegment pointerAt(MemorySegment out) {
        long[] p = new long[1];
        MemorySegment.copy(out, ValueLayout.JAVA_LONG, 0, p, 0, 1);
        return MemorySegment.ofAddress(p[0]);
    }

    /** Rows changed by the last INSERT, UPDATE or DELETE. */
    public int changes() {
        return lib.callInt(lib.changes, db.address());
    }

    void check(int rc) throws SqliteException {
        if (rc != Sqlite.OK && rc != Sqlite.ROW && rc != Sqlite.DONE) {
            throw Sqlite.failure(lib, db, rc);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            // close_v2 defers the close until any statement still open is finalized, so it never fails with BUSY.
            lib.callInt(lib.closeV2, db.address());
        }
    }
}
