package modkit.kernel;

import java.util.ArrayList;
import java.util.List;
import modkit.elf.ModkitException;
import modkit.kernel.sqlite.SqliteConnection;
import modkit.kernel.sqlite.SqliteException;
import modkit.kernel.sqlite.SqliteStatement;

/**
 * The simulated kernel's SQLite connection with the few operations its classes need. Every change to the
 * kernel runs inside {@link #write}: one {@code BEGIN IMMEDIATE} transaction, so that concurrent commands
 * (separate processes) are serialised by SQLite's lock, and a failure rolls everything back.
 */
final class StateDb {
    /** A unit of work inside a write transaction. */
    interface Work<T> {
        T run() throws SqliteException;
    }

    /** Reads one row (columns numbered from 1). */
    interface Row<T> {
        T read(SqliteStatement r) throws SqliteException;
    }

    final SqliteConnection connection;

    StateDb(SqliteConnection connection) {
        this.connection = connection;
    }

    <T> T write(Work<T> work) {
        try {
            connection.exec("BEGIN IMMEDIATE");
            try {
                T result = work.run();
                connection.exec("COMMIT");
                return result;
            } catch (RuntimeException | SqliteException | Error e) {
                connection.exec("ROLLBACK");
                throw e;
            }
        } catch (SqliteException e) {
            throw error(e);
        }
    }

    void begin() {
        exec("BEGIN IMMEDIATE");
    }

    void commit() {
        exec("COMMIT");
    }

    void rollback() {
        try {
            connection.exec("ROLLBACK");
        } catch (SqliteException e) {
            // Nothing was pending, or the connection is closing: SQLite rolls back on close.
        }
    }

    int exec(String sql, Object... args) {
        try (SqliteStatement p = prepare(sql, args)) {
            return p.execute();
        } catch (SqliteException e) {
            throw error(e);
        }
    }

    <T> List<T> query(String sql, Row<T> row, Object... args) {
        try (SqliteStatement p = prepare(sql, args)) {
            List<T> out = new ArrayList<>();
            while (p.next()) {
                out.add(row.read(p));
            }
            return out;
        } catch (SqliteException e) {
            throw error(e);
        }
    }

    <T> T first(String sql, Row<T> row, Object... args) {
        List<T> all = query(sql, row, args);
        return all.isEmpty() ? null : all.getFirst();
    }

    private SqliteStatement prepare(String sql, Object... args) throws SqliteException {
        SqliteStatement p = connection.prepare(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                p.bind(i + 1, args[i]);
            }
            return p;
        } catch (SqliteException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    static ModkitException error(SqliteException e) {
        return new ModkitException("simulated kernel state error: " + e.getMessage(),
                "if the state is damaged, start a fresh kernel with: modkit sim boot");
    }
}
