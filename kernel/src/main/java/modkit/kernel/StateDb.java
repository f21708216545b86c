package modkit.kernel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import modkit.elf.Invocation;
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
    /** The state file, for messages. */
    private final Path file;

    StateDb(SqliteConnection connection, Path file) {
        this.connection = connection;
        this.file = file;
    }

    <T> T write(Work<T> work) {
        try {
            connection.exec("BEGIN IMMEDIATE");
            try {
                T result = work.run();
                connection.exec("COMMIT");
                return result;
            } catch (RuntimeException | SqliteException | Error e) {
                // (SQLite may have rolled back already, e.g. after a full disk at COMMIT: the first failure is the news)
                rollback();
                throw e;
            }
        } catch (SqliteException e) {
            throw failure(e);
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
            throw failure(e);
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
            throw failure(e);
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

    /**
     * One line for a failed state operation, saying what the user can do about it. Every change runs in one
     * transaction, so whatever failed left the state as it was before the command.
     */
    ModkitException failure(SqliteException e) {
        return failure(file, e);
    }

    static ModkitException failure(Path file, SqliteException e) {
        Path dir = Invocation.absolute(file).getParent();
        if (e.damaged()) {
            return new ModkitException(file + ": the simulated kernel's state is damaged: " + e.getMessage(),
                    "start a fresh kernel with: modkit sim boot --root " + dir + " (its loaded modules are not kept)");
        }
        return switch (e.code() & 0xff) {
            case 8, 3, 14 -> new ModkitException(file + ": cannot change the simulated kernel's state: " + e.getMessage()
                    + "; nothing was changed", "the directory " + dir + " and its files must be writable by you;"
                    + " or use a state of your own: --root DIR or MODKIT_ROOT");
            case 13 -> new ModkitException(file + ": the file system is full: " + e.getMessage() + "; nothing was changed",
                    "free some space where " + dir + " is, and run the command again");
            case 5, 6 -> new ModkitException(file + ": another command kept the simulated kernel's state locked: "
                    + e.getMessage() + "; nothing was changed", "run the command again when the other one has finished");
            default -> new ModkitException(file + ": simulated kernel state error: " + e.getMessage(),
                    "if the state is damaged, start a fresh kernel with: modkit sim boot --root " + dir);
        };
    }
}
