package modkit.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * One load into the simulated kernel, following {@code load_module}: while linking, an open {@code BEGIN
 * IMMEDIATE} transaction holds the kernel's lock (the module is UNFORMED: nobody else can see it). {@link #commit}
 * is {@code complete_formation}: the module becomes COMING with its exports and references, the lock is
 * released, init runs (with the fault-injection hooks), and a second transaction makes it LIVE and frees its
 * init memory, or, if init failed, GOING and freed.
 */
final class SqlLoad implements LoadTransaction {
    private final StateDb db;
    private final Lifecycle life;
    private final KernelProfile profile;
    private final String name;
    private final List<long[]> reserved = new ArrayList<>();
    private boolean open = true;
    private String keptTaints = "";

    SqlLoad(StateDb db, KernelProfile profile, String name) {
        this.db = db;
        this.life = new Lifecycle(db);
        this.profile = profile;
        this.name = name;
    }

    /**
     * {@code find_symbol} over vmlinux, then over formed modules. A COMING exporter cannot be referenced yet
     * ({@link ModuleComing}: the caller waits and retries); a GOING one is not found, as {@code ref_module} fails.
     */
    @Override
    public KernelSymbol findSymbol(String symbol) {
        KernelSymbol k = profile.symbols().get(symbol);
        if (k != null) {
            return k;
        }
        record Hit(KernelSymbol symbol, String state) {}
        Hit hit = db.first("SELECT e.address, e.crc, e.gpl, e.namespace, e.module, m.state FROM exports e"
                + " JOIN modules m ON m.name = e.module WHERE e.name = ?", r -> {
                    Long crcOrNull = r.isNull(2) ? null : r.getLong(2);
                    return new Hit(new KernelSymbol(symbol, r.getLong(1), crcOrNull, r.getInt(3) != 0, r.getString(4),
                            r.getString(5)), r.getString(6));
                }, symbol);
        if (hit == null || hit.state().equals("GOING") || hit.state().equals("UNFORMED")) {
            return null;
        }
        if (hit.state().equals("COMING")) {
            throw new ModuleComing(hit.symbol().owner());
        }
        return hit.symbol();
    }

    @Override
    public boolean isProprietary(String module) {
        Integer p = db.first("SELECT proprietary FROM modules WHERE name = ?", r -> r.getInt(1), module);
        return p != null && p != 0;
    }

    /**
     * First fit over the module area, below and between the regions already allocated, as {@code vmalloc} finds
     * the lowest free range: each region starts on a page and is followed by its guard page. Regions are stored
     * with their layout size.
     */
    @Override
    public long allocate(long size) {
        return firstFit(profile.moduleAreaFirst(), profile.moduleAreaEnd(), size, profile.pageSize(), profile.moduleGuard(),
                "module area");
    }

    /** kmalloc memory, first fit in the profile's heap (or the module area where it has none). */
    @Override
    public long allocateHeap(long size) {
        long[] heap = profile.heapArea();
        return heap == null ? allocate(size) : firstFit(heap[0], heap[1], size, 8, 0, "kernel heap");
    }

    /** First fit over the per-cpu area; per-cpu copies are regions named "percpu" like any other. */
    @Override
    public long allocatePercpu(long start, long end, long size, long align) {
        return firstFit(start, end, size, align, 0, "per-cpu area for modules");
    }

    /** The lowest {@code align}ed address in [start, end) where {@code size} and a {@code guard} after it are free. */
    private long firstFit(long start, long end, long size, long align, long guard, String area) {
        List<long[]> used = new ArrayList<>(reserved);
        used.addAll(db.query("SELECT address, size FROM regions", r -> new long[] {r.getLong(1), r.getLong(2)}));
        used.sort((a, b) -> Long.compareUnsigned(a[0], b[0]));
        long at = start;
        for (long[] u : used) {
            if (Long.compareUnsigned(at + size + guard, u[0]) <= 0) {
                break;
            }
            long usedEnd = guard == 0 ? u[0] + u[1] : ((u[0] + u[1] + align - 1) & -align) + guard;
            if (Long.compareUnsigned(usedEnd, at) > 0) {
                at = (usedEnd + align - 1) & -align;
            }
        }
        if (Long.compareUnsigned(at + size, end) > 0 || Long.compareUnsigned(at + size, at) < 0) {
            throw new KernelException("ENOMEM", area + " exhausted: no room for 0x" + Long.toHexString(size) + " bytes",
                    "remove modules you do not need, or boot a fresh kernel with: modkit sim boot");
        }
        reserved.add(new long[] {at, size});
        return at;
    }

    /**
     * Kernel memory of loaded (formed) modules: the stored bytes of the region holding [address, address +
     * length), or null.
     */
    @Override
    public byte[] read(long address, int length) {
        record Hit(String module, String region, long base) {}
        for (Hit h : db.query("SELECT g.module, g.name, g.address, g.size FROM regions g JOIN modules m ON m.name = g.module"
                + " WHERE m.state IN ('COMING', 'LIVE')", r -> {
                    long base = r.getLong(3);
                    long size = r.getLong(4);
                    boolean holds = Long.compareUnsigned(address - base, size) < 0
                            && Long.compareUnsigned(address - base + length, size) <= 0;
                    return holds ? new Hit(r.getString(1), r.getString(2), base) : null;
                })) {
            if (h != null) {
                return db.first("SELECT substr(bytes, ?, ?) FROM regions WHERE module = ? AND name = ?", r -> r.getBytes(1),
                        (int) (address - h.base()) + 1, length, h.module(), h.region());
            }
        }
        return null;
    }

    @Override
    public long commit(ModuleImage image) {
        return commit(image, LoadMarks.NONE);
    }

    @Override
    public long commit(ModuleImage image, LoadMarks marks) {
        try {
            form(image);
            mark(image.name(), marks);
            db.commit();
            open = false;
        } catch (RuntimeException e) {
            keepTaints(image.taints()); // complete_formation fails after the module's taints were taken
            throw e;
        } finally {
            close(); // after a commit this does nothing; after a failure it rolls back
        }
        return new InitRun(db, life, image).run();
    }

    /** {@code complete_formation}: exports checked and published, references taken, state COMING, notifier. */
    private void form(ModuleImage image) {
        long seq = db.first("SELECT COALESCE(MAX(seq), 0) + 1 FROM modules", r -> r.getLong(1));
        Owner owner = Owner.current();
        db.exec("INSERT INTO modules(name, seq, state, file, taints, proprietary, has_init, has_exit, refcnt, params,"
                + " owner_pid, owner_start) VALUES (?, ?, 'COMING', ?, ?, ?, ?, ?, 0, ?, ?, ?)", image.name(), seq,
                image.file(), image.taints(), image.proprietary() ? 1 : 0, image.init() != 0 ? 1 : 0,
                image.exit() != 0 ? 1 : 0, image.params(), owner.pid(), owner.start());
        for (ModuleImage.Region r : image.regions()) {
            db.exec("INSERT INTO regions(module, name, address, size, bytes) VALUES (?, ?, ?, ?, ?)", image.name(),
                    r.name(), r.address(), r.size(), r.bytes());
        }
        for (KernelSymbol s : image.exports()) {
            KernelSymbol owned = ownerOf(s.name());
            if (owned != null) {
                throw new KernelException("ENOEXEC", name + ": exports duplicate symbol " + s.name() + " (owned by "
                        + (owned.owner() == null ? "kernel" : owned.owner()) + ")", null);
            }
            db.exec("INSERT INTO exports(name, module, address, crc, gpl, namespace) VALUES (?, ?, ?, ?, ?, ?)", s.name(),
                    image.name(), s.address(), s.crc(), s.gpl() ? 1 : 0, s.namespace());
        }
        for (String used : image.uses()) {
            ModuleState st = life.state(used);
            if (st != ModuleState.LIVE) {
                throw new KernelException("ENOENT", name + ": module " + used + " it links against is "
                        + (st == null ? "gone" : st.name().toLowerCase()), "load " + used + " again, then retry");
            }
            db.exec("INSERT INTO uses(user, used) VALUES (?, ?)", image.name(), used);
        }
        for (ModuleParam p : image.parameters()) {
            db.exec("INSERT INTO params(module, name, type, address, size, perm) VALUES (?, ?, ?, ?, ?, ?)", image.name(),
                    p.name(), p.type(), p.address(), p.size(), p.perm());
        }
        life.taintKernel(image.taints());
        life.event(image.name(), "COMING", null);
    }

    /** insmod -k and -S: the autoclean flag and the module's own symbols. */
    private void mark(String module, LoadMarks marks) {
        if (marks.autoclean()) {
            db.exec("UPDATE modules SET autoclean = 1 WHERE name = ?", module);
        }
        for (KernelSymbol s : marks.ownSymbols()) {
            db.exec("INSERT INTO module_symbols(module, name, address) VALUES (?, ?, ?)", module, s.name(), s.address());
        }
    }

    /** Any owner of an export name, formed or not (duplicates are refused even against a COMING module). */
    private KernelSymbol ownerOf(String symbol) {
        KernelSymbol k = profile.symbols().get(symbol);
        if (k != null) {
            return k;
        }
        return db.first("SELECT module FROM exports WHERE name = ?",
                r -> new KernelSymbol(symbol, 0, null, false, "", r.getString(1)), symbol);
    }

    @Override
    public void keepTaints(String letters) {
        keptTaints = Taint.merge(keptTaints, letters);
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            db.rollback();
            if (!keptTaints.isEmpty()) {
                db.write(() -> {
                    life.taintKernel(keptTaints);
                    return null;
                });
            }
        }
    }
}
