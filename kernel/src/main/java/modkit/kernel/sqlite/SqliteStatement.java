package modkit.kernel.sqlite;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A compiled statement, and while {@link #next()} is true the current row. Columns and parameters are numbered
 * from 1, as in JDBC, so row readers read as they did over the JDBC driver this replaces.
 */
public final class SqliteStatement implements AutoCloseable {
    private static final int NULL = 5;
    /** SQLITE_TRANSIENT: SQLite copies bound text and blobs before the call returns. */
    private static final long TRANSIENT = -1L;

    private final SqliteConnection connection;
    private final SqliteLibrary lib;
    private final long stmt;
    private boolean closed;

    SqliteStatement(SqliteConnection connection, MemorySegment stmt) {
        this.connection = connection;
        this.lib = connection.lib;
        this.stmt = stmt.address();
    }

    /**
     * Binds parameter {@code index}: integers (of any width) and booleans as INTEGER,
     * strings as TEXT, byte arrays as BLOB, null as NULL.
     */
    public void bind(int index, Object value) throws SqliteException {
        int rc = switch (value) {
            case null -> lib.callInt(lib.bindNull, stmt, index);
            case Long l -> bindLong(index, l);
            case Integer i -> bindLong(index, i);
            case Short s -> bindLong(index, s);
            case Byte b -> bindLong(index, b);
            case Boolean b -> bindLong(index, b ? 1 : 0);
            case String s -> bindBytes(lib.bindText, index, s.getBytes(StandardCharsets.UTF_8));
            case byte[] b -> bindBytes(lib.bindBlob, index, b);
            default -> throw new IllegalArgumentException("cannot store a " + value.getClass().getName() + " in SQLite");
        };
        connection.check(rc);
    }

    private int bindLong(int index, long v) {
        return lib.callInt(lib.bindInt64, stmt, index, v);
    }

    private int bindBytes(SqliteLibrary.Function bind, int index, byte[] bytes) {
        try (Arena arena = Arena.ofConfined()) {
            // An empty value is still a value (not NULL): SQLite needs a non-null pointer for it.
            MemorySegment data = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, data, ValueLayout.JAVA_BYTE, 0, bytes.length);
            return lib.callInt(bind, stmt, index, data.address(), bytes.length, TRANSIENT);
        }
    }

    /** Steps to the next row; false when there are no more. */
    public boolean next() throws SqliteException {
        int rc = lib.callInt(lib.step, stmt);
        if (rc == Sqlite.ROW) {
            return true;
        }
        if (rc == Sqlite.DONE) {
            return false;
        }
        // (statements from prepare_v2 return the specific error code; the message is on the connection)
        connection.check(rc);
        return false;
    }

    /** Runs a statement that returns no rows; returns the number of rows it changed. */
    public int execute() throws SqliteException {
        while (next()) {
            // a statement run for its effect (a pragma may answer with a row): rows are not wanted
        }
        return connection.changes();
    }

    public boolean isNull(int column) {
        return type(column) == NULL;
    }

    public long getLong(int column) {
        return lib.call(lib.columnInt64, stmt, column - 1);
    }

    public int getInt(int column) {
        return (int) getLong(column);
    }

    /** The column as text, or null for SQL NULL (as JDBC's getString). */
    public String getString(int column) {
        if (isNull(column)) {
            return null;
        }
        long p = lib.call(lib.columnText, stmt, column - 1);
        return new String(copy(p, column), StandardCharsets.UTF_8);
    }

    /** The column as bytes, or null for SQL NULL (as JDBC's getBytes). */
    public byte[] getBytes(int column) {
        if (isNull(column)) {
            return null;
        }
        long p = lib.call(lib.columnBlob, stmt, column - 1);
        return copy(p, column);
    }

    private int type(int column) {
        return lib.callInt(lib.columnType, stmt, column - 1);
    }

    /** Copies a column's bytes; the length must be asked after the pointer (SQLite may convert on the way). */
    private byte[] copy(long p, int column) {
        int n = lib.callInt(lib.columnBytes, stmt, column - 1);
        if (n == 0 || p == 0) {
            return new byte[0];
        }
        return MemorySegment.ofAddress(p).reinterpret(n).toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            lib.callInt(lib.finalizeStmt, stmt);
        }
    }
}
