package modkit.kernel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import modkit.elf.ModkitException;

/** One load inside an open {@code BEGIN IMMEDIATE} transaction of the simulated kernel. */
final class SqlLoad implements LoadTransaction {
    private final Connection db;
    private final KernelProfile profile;
    private final String name;
    private final List<long[]> reserved = new ArrayList<>();
    private boolean done;

    SqlLoad(Connection db, KernelProfile profile, String name) {
        this.db = db;
        this.profile = profile;
        this.name = name;
    }

    void checkNotLoaded() {
        try (PreparedStatement p = db.prepareStatement("SELECT state FROM modules WHERE name = ?")) {
            p.setString(1, name);
            try (ResultSet r = p.executeQuery()) {
                if (r.next()) {
                    ModuleState state = ModuleState.valueOf(r.getString(1));
                    if (state == ModuleState.LIVE) {
                        throw new KernelException("EEXIST", "module " + name + " is already loaded",
                                "remove it first with: rmmod " + name);
                    }
                    throw new KernelException("EBUSY", "module " + name + " is " + state.name().toLowerCase()
                            + " in another load or unload", "try again when that command has finished");
                }
            }
        } catch (SQLException e) {
            throw new ModkitException("simulated kernel state error: " + e.getMessage());
        }
    }

    @Override
    public KernelSymbol findSymbol(String symbol) {
        KernelSymbol k = profile.symbols().get(symbol);
        if (k != null) {
            return k;
        }
        try (PreparedStatement p = db.prepareStatement(
                "SELECT e.address, e.crc, e.gpl, e.namespace, e.module FROM exports e JOIN modules m ON m.name = e.module"
                        + " WHERE e.name = ? AND m.state <> 'UNFORMED'")) {
            p.setString(1, symbol);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                long crc = r.getLong(2);
                Long crcOrNull = r.wasNull() ? null : crc;
                return new KernelSymbol(symbol, r.getLong(1), crcOrNull, r.getInt(3) != 0, r.getString(4), r.getString(5));
            }
        } catch (SQLException e) {
            throw new ModkitException("simulated kernel state error: " + e.getMessage());
        }
    }

    @Override
    public boolean isProprietary(String module) {
        try (PreparedStatement p = db.prepareStatement("SELECT proprietary FROM modules WHERE name = ?")) {
            p.setString(1, module);
            try (ResultSet r = p.executeQuery()) {
                return r.next() && r.getInt(1) != 0;
            }
        } catch (SQLException e) {
            throw new ModkitException("simulated kernel state error: " + e.getMessage());
        }
    }

    /**
     * First fit over the module area, below and between the regions already allocated. Regions are stored with
     * their layout size; each starts on a page, as {@code module_alloc} memory does.
     */
    @Override
    public long allocate(long size) {
        return firstFit(profile.moduleAreaStart(), profile.moduleAreaEnd(), size, profile.pageSize(), "module area");
    }

    /** First fit over the per-cpu area; per-cpu copies are regions named "percpu" like any other. */
    @Override
    public long allocatePercpu(long start, long end, long size, long align) {
        return firstFit(start, end, size, align, "per-cpu area for modules");
    }

    private long firstFit(long start, long end, long size, long align, String area) {
        List<long[]> used = new ArrayList<>(reserved);
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT address, size FROM regions")) {
            while (r.next()) {
                used.add(new long[] {r.getLong(1), r.getLong(2)});
            }
        } catch (SQLException e) {
            throw new ModkitException("simulated kernel state error: " + e.getMessage());
        }
        used.sort((a, b) -> Long.compareUnsigned(a[0], b[0]));
        long at = start;
        for (long[] u : used) {
            if (Long.compareUnsigned(at + size, u[0]) <= 0) {
                break;
            }
            if (Long.compareUnsigned(u[0] + u[1], at) > 0) {
                at = (u[0] + u[1] + align - 1) & -align;
            }
        }
        if (Long.compareUnsigned(at + size, end) > 0 || Long.compareUnsigned(at + size, at) < 0) {
            throw new KernelException("ENOMEM", area + " exhausted: no room for 0x" + Long.toHexString(size) + " bytes",
                    "remove modules you do not need, or boot a fresh kernel with: modkit sim boot");
        }
        reserved.add(new long[] {at, size});
        return at;
    }

    /** Kernel memory of loaded modules: the stored bytes of the region holding [address, address + length). */
    @Override
    public byte[] read(long address, int length) {
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT module, name, address, size FROM regions")) {
            while (r.next()) {
                long base = r.getLong(3);
                long size = r.getLong(4);
                if (Long.compareUnsigned(address - base, size) < 0 && Long.compareUnsigned(address - base + length, size) <= 0) {
                    return bytesOf(r.getString(1), r.getString(2), (int) (address - base), length);
                }
            }
            return null;
        } catch (SQLException e) {
            throw new ModkitException("simulated kernel state error: " + e.getMessage());
        }
    }

    private byte[] bytesOf(String module, String region, int offset, int length) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("SELECT substr(bytes, ?, ?) FROM regions WHERE module = ? AND name = ?")) {
            p.setInt(1, offset + 1);
            p.setInt(2, length);
            p.setString(3, module);
            p.setString(4, region);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getBytes(1) : null;
            }
        }
    }

    @Override
    public void commit(ModuleImage image) {
        try {
            long seq;
            try (Statement s = db.createStatement();
                    ResultSet r = s.executeQuery("SELECT COALESCE(MAX(seq), 0) + 1 FROM modules")) {
                r.next();
                seq = r.getLong(1);
            }
            try (PreparedStatement p = db.prepareStatement("INSERT INTO modules(name, seq, state, file, taints, proprietary,"
                    + " has_init, has_exit, refcnt, params) VALUES (?, ?, 'LIVE', ?, ?, ?, ?, ?, 0, ?)")) {
                p.setString(1, image.name());
                p.setLong(2, seq);
                p.setString(3, image.file());
                p.setString(4, image.taints());
                p.setInt(5, image.proprietary() ? 1 : 0);
                p.setInt(6, image.init() != 0 ? 1 : 0);
                p.setInt(7, image.exit() != 0 ? 1 : 0);
                p.setString(8, image.params());
                p.executeUpdate();
            }
            try (PreparedStatement p = db.prepareStatement(
                    "INSERT INTO regions(module, name, address, size, bytes) VALUES (?, ?, ?, ?, ?)")) {
                for (ModuleImage.Region r : image.regions()) {
                    // A live module's init memory is freed after init succeeded: only the core stays allocated.
                    if (r.isInit()) {
                        continue;
                    }
                    p.setString(1, image.name());
                    p.setString(2, r.name());
                    p.setLong(3, r.address());
                    p.setLong(4, r.size());
                    p.setBytes(5, r.bytes());
                    p.addBatch();
                }
                p.executeBatch();
            }
            try (PreparedStatement p = db.prepareStatement(
                    "INSERT INTO exports(name, module, address, crc, gpl, namespace) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (KernelSymbol s : image.exports()) {
                    checkDuplicateExport(s);
                    p.setString(1, s.name());
                    p.setString(2, image.name());
                    p.setLong(3, s.address());
                    if (s.crc() == null) {
                        p.setNull(4, java.sql.Types.INTEGER);
                    } else {
                        p.setLong(4, s.crc());
                    }
                    p.setInt(5, s.gpl() ? 1 : 0);
                    p.setString(6, s.namespace());
                    p.addBatch();
                }
                p.executeBatch();
            }
            try (PreparedStatement p = db.prepareStatement("INSERT INTO uses(user, used) VALUES (?, ?)")) {
                for (String used : image.uses()) {
                    p.setString(1, image.name());
                    p.setString(2, used);
                    p.addBatch();
                }
                p.executeBatch();
            }
            try (Statement s = db.createStatement()) {
                s.executeUpdate("COMMIT");
            }
            done = true;
        } catch (SQLException e) {
            throw new ModkitException("simulated kernel state error: " + e.getMessage());
        }
    }

    /** complete_formation: an export already provided by vmlinux or a module fails the load. */
    private void checkDuplicateExport(KernelSymbol s) throws SQLException {
        KernelSymbol owner = findSymbol(s.name());
        if (owner != null) {
            throw new KernelException("ENOEXEC", name + ": exports duplicate symbol " + s.name() + " (owned by "
                    + (owner.owner() == null ? "kernel" : owner.owner()) + ")", null);
        }
    }

    @Override
    public void close() {
        if (done) {
            return;
        }
        done = true;
        try (Statement s = db.createStatement()) {
            s.executeUpdate("ROLLBACK");
        } catch (SQLException e) {
            // The connection is closing anyway; SQLite rolls back an open transaction on close.
        }
    }
}
