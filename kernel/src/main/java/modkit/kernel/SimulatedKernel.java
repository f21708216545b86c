package modkit.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import modkit.elf.ModkitException;

/**
 * The embedded default backend: a kernel whose module list, memory map, export table and who-uses-whom live in
 * one SQLite file ({@code kernel.db} under the state root), so that separate commands see one kernel. Every
 * change is one transaction: a load that fails leaves the file as it was, and two processes loading at once are
 * serialised by SQLite's write lock ({@code BEGIN IMMEDIATE}).
 *
 * <p>The booted profile is stored inside the state, so later commands link against the kernel that was booted.
 */
public final class SimulatedKernel implements KernelBackend {
    static final String DB = "kernel.db";
    private static final int SCHEMA = 1;

    private final Connection db;
    private final KernelProfile profile;

    private SimulatedKernel(Connection db, KernelProfile profile) {
        this.db = db;
        this.profile = profile;
    }

    /** Starts a fresh kernel under {@code root}: no modules loaded, the given profile. */
    public static SimulatedKernel boot(Path root, KernelProfile profile) {
        try {
            Files.createDirectories(root);
            Files.deleteIfExists(root.resolve(DB));
            Files.deleteIfExists(root.resolve(DB + "-journal"));
        } catch (IOException e) {
            throw new ModkitException(root + ": cannot create the simulated kernel's state: " + e.getMessage());
        }
        Connection c = connect(root);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("BEGIN IMMEDIATE");
            for (String ddl : Schema.TABLES) {
                s.executeUpdate(ddl);
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO kernel(schema, profile) VALUES (?, ?)")) {
                p.setInt(1, SCHEMA);
                p.setBytes(2, ProfileFile.toBytes(profile, true));
                p.executeUpdate();
            }
            s.executeUpdate("COMMIT");
        } catch (SQLException e) {
            throw stateError(root, e);
        }
        return new SimulatedKernel(c, profile);
    }

    /** Opens the kernel under {@code root}, booting the embedded default profile if there is none yet. */
    public static SimulatedKernel open(Path root) {
        if (!Files.exists(root.resolve(DB))) {
            return boot(root, ProfileFile.embeddedDefault());
        }
        Connection c = connect(root);
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT schema, profile FROM kernel")) {
            if (!r.next() || r.getInt(1) != SCHEMA) {
                throw new ModkitException(root.resolve(DB) + ": not a modkit kernel state of this version",
                        "start a fresh one with: modkit sim boot --root " + root);
            }
            return new SimulatedKernel(c, ProfileFile.parse(root.resolve(DB).toString(), r.getBytes(2)));
        } catch (SQLException e) {
            throw stateError(root, e);
        }
    }

    /** True if a kernel was booted under {@code root}. */
    public static boolean exists(Path root) {
        return Files.exists(root.resolve(DB));
    }

    private static Connection connect(Path root) {
        try {
            Files.createDirectories(root);
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + root.resolve(DB));
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 30000");
                s.execute("PRAGMA foreign_keys = ON");
            }
            c.setAutoCommit(true);
            return c;
        } catch (SQLException | IOException e) {
            throw new ModkitException(root.resolve(DB) + ": cannot open the simulated kernel's state: " + e.getMessage());
        }
    }

    private static ModkitException stateError(Path root, SQLException e) {
        return new ModkitException(root.resolve(DB) + ": simulated kernel state error: " + e.getMessage(),
                "if the file is damaged, start a fresh kernel with: modkit sim boot");
    }

    private ModkitException stateError(SQLException e) {
        return new ModkitException("simulated kernel state error: " + e.getMessage());
    }

    @Override
    public KernelProfile profile() {
        return profile;
    }

    @Override
    public List<LoadedModule> modules() {
        try {
            return ModuleList.read(db);
        } catch (SQLException e) {
            throw stateError(e);
        }
    }

    @Override
    public LoadTransaction beginLoad(String name) {
        try (Statement s = db.createStatement()) {
            s.executeUpdate("BEGIN IMMEDIATE");
        } catch (SQLException e) {
            throw stateError(e);
        }
        SqlLoad load = new SqlLoad(db, profile, name);
        try {
            load.checkNotLoaded();
        } catch (RuntimeException e) {
            load.close();
            throw e;
        }
        return load;
    }

    @Override
    public void unload(String name, boolean force) {
        try (Statement s = db.createStatement()) {
            s.executeUpdate("BEGIN IMMEDIATE");
            try {
                ModuleList.delete(db, profile, name, force);
                s.executeUpdate("COMMIT");
            } catch (RuntimeException | SQLException e) {
                s.executeUpdate("ROLLBACK");
                throw e;
            }
        } catch (SQLException e) {
            throw stateError(e);
        }
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            // Nothing is pending: every change was committed or rolled back already.
        }
    }

    /** The kernel's exports that a loaded module provides, for views like ksyms. */
    public List<KernelSymbol> moduleExports() {
        List<KernelSymbol> out = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT name, address, crc, gpl, namespace, module FROM exports ORDER BY name")) {
            while (r.next()) {
                long crc = r.getLong(3);
                out.add(new KernelSymbol(r.getString(1), r.getLong(2), r.wasNull() ? null : crc, r.getInt(4) != 0,
                        r.getString(5), r.getString(6)));
            }
        } catch (SQLException e) {
            throw stateError(e);
        }
        return out;
    }
}
