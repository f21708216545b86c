package modkit.kernel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import modkit.elf.ModkitException;

/**
 * The simulated kernel's SQLite connection with the few operations its classes need. Every change to the
 * kernel runs inside {@link #write}: one {@code BEGIN IMMEDIATE} transaction, so that concurrent commands
 * (separate processes) are serialised by SQLite's lock, and a failure rolls everything back.
 */
final class StateDb {
    /** A unit of work inside a write transaction. */
    interface Work<T> {
        T run() throws SQLException;
    }

    /** Reads one row. */
    interface Row<T> {
        T read(ResultSet r) throws SQLException;
    }

    final Connection connection;

    StateDb(Connection connection) {
        this.connection = connection;
    }

    <T> T write(Work<T> work) {
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("BEGIN IMMEDIATE");
            try {
                T result = work.run();
                s.executeUpdate("COMMIT");
                return result;
            } catch (RuntimeException | SQLException | Error e) {
                s.executeUpdate("ROLLBACK");
                throw e;
            }
        } catch (SQLException e) {
            throw error(e);
        }
    }

    void begin() {
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("BEGIN IMMEDIATE");
        } catch (SQLException e) {
            throw error(e);
        }
    }

    void commit() {
        exec("COMMIT");
    }

    void rollback() {
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("ROLLBACK");
        } catch (SQLException e) {
            // Nothing was pending, or the connection is closing: SQLite rolls back on close.
        }
    }

    int exec(String sql, Object... args) {
        try (PreparedStatement p = prepare(sql, args)) {
            return p.executeUpdate();
        } catch (SQLException e) {
            throw error(e);
        }
    }

    <T> List<T> query(String sql, Row<T> row, Object... args) {
        try (PreparedStatement p = prepare(sql, args); ResultSet r = p.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (r.next()) {
                out.add(row.read(r));
            }
            return out;
        } catch (SQLException e) {
            throw error(e);
        }
    }

    <T> T first(String sql, Row<T> row, Object... args) {
        List<T> all = query(sql, row, args);
        return all.isEmpty() ? null : all.getFirst();
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement p = connection.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            p.setObject(i + 1, args[i]);
        }
        return p;
    }

    static ModkitException error(SQLException e) {
        return new ModkitException("simulated kernel state error: " + e.getMessage(),
                "if the state is damaged, start a fresh kernel with: modkit sim boot");
    }
}
