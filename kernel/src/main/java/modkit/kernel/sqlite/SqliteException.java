package modkit.kernel.sqlite;

/**
 * A failed SQLite call: SQLite's own message and its result code's name, e.g. {@code database is locked
 * (SQLITE_BUSY)}. Checked, so that the state code says where a failure rolls a transaction back.
 */
public final class SqliteException extends Exception {
    private final int code;

    SqliteException(String message, int code) {
        super(message);
        this.code = code;
    }

    /** SQLITE_CORRUPT or SQLITE_NOTADB: the file is not a database SQLite can read. */
    public boolean damaged() {
        int primary = code & 0xff;
        return primary == 11 || primary == 26;
    }

    /** SQLite's extended result code. */
    public int code() {
        return code;
    }
}
