package modkit.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import modkit.elf.Invocation;
import modkit.elf.IoProblem;
import modkit.elf.ModkitException;
import modkit.kernel.sqlite.SqliteConnection;
import modkit.kernel.sqlite.SqliteException;
import modkit.kernel.sqlite.SqliteStatement;

/**
 * The embedded default backend: a kernel whose module list, memory map, export table, who-uses-whom, notifier
 * log and fault-injection settings live in one SQLite file ({@code kernel.db} under the state root), so that
 * separate commands and separate processes see one kernel.
 *
 * <p>Modules go through the kernel's states (UNFORMED → COMING → LIVE → GOING). Every state change is one
 * {@code BEGIN IMMEDIATE} transaction; waiting (for a COMING exporter, for references to drop) happens between
 * transactions by polling the shared state, never while holding the lock. A process that dies mid-way leaves
 * its owner pid on the module; the next command finishes or undoes its work ({@link Lifecycle#recover}).
 *
 * <p>The booted profile is stored inside the state, so later commands link against the kernel that was booted.
 */
public final class SimulatedKernel implements ImageBackend {
    static final String DB = "kernel.db";

    private final StateDb db;
    private final Lifecycle life;
    private final KernelProfile profile;
    private final Path root;
    /** A scratch copy's directory, deleted when it is closed. */
    private Path throwAway;
    private Consumer<String> notices = n -> System.err.println("modkit: " + n);

    private SimulatedKernel(SqliteConnection c, Path root, KernelProfile profile) {
        this.root = root;
        this.db = new StateDb(c, root.resolve(DB));
        this.life = new Lifecycle(db);
        this.profile = profile;
    }

    /**
     * Starts a fresh kernel under {@code root}: no modules loaded, the given profile. The new state is written
     * beside the old one and renamed over it, so a boot that is killed or fails leaves the old state as it was.
     */
    public static SimulatedKernel boot(Path root, KernelProfile profile) {
        Path fresh = root.resolve(DB + ".boot");
        try {
            Files.createDirectories(Invocation.absolute(root)); // (the JDK makes a relative one absolute against its start directory)
            Files.deleteIfExists(fresh);
            Files.deleteIfExists(root.resolve(DB + ".boot-journal"));
        } catch (IOException e) {
            throw new ModkitException(root + ": cannot create the simulated kernel's state: " + IoProblem.describe(e),
                    "use a state directory you can write: --root DIR or MODKIT_ROOT");
        }
        try (SqliteConnection c = connect(fresh)) {
            StateDb db = new StateDb(c, fresh);
            db.write(() -> {
                for (String ddl : Schema.TABLES) {
                    c.exec(ddl);
                }
                db.exec("INSERT INTO kernel(schema, profile) VALUES (?, ?)", Schema.VERSION, ProfileFile.toBytes(profile, true));
                return null;
            });
        } catch (ModkitException e) {
            try {
                Files.deleteIfExists(fresh);
            } catch (IOException ignored) {
                // the first failure is the one to report
            }
            throw e;
        }
        try {
            // A journal left by a process killed in the old state would otherwise be played back into the new one.
            Files.deleteIfExists(root.resolve(DB + "-journal"));
            Files.move(fresh, root.resolve(DB), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ModkitException(root + ": cannot replace the simulated kernel's state: " + IoProblem.describe(e));
        }
        return new SimulatedKernel(connect(root.resolve(DB)), root, profile);
    }

    /**
     * Opens the kernel under {@code root}, booting the embedded default profile if there is none yet, and
     * cleans up after any process that died in the middle of a load or unload (reported on stderr).
     */
    public static SimulatedKernel open(Path root) {
        if (!Files.exists(root.resolve(DB))) {
            return boot(root, ProfileFile.embeddedDefault());
        }
        Path file = root.resolve(DB);
        SqliteConnection c = connect(file);
        record Head(int schema, byte[] profile) {}
        Head h;
        try (SqliteStatement s = c.prepare("SELECT schema, profile FROM kernel")) {
            h = s.next() ? new Head(s.getInt(1), s.getBytes(2)) : null;
        } catch (SqliteException e) {
            c.close();
            // A file SQLite cannot read is damaged; one it reads without our table is some other database.
            if (e.damaged()) {
                throw StateDb.failure(file, e);
            }
            if (sizeOf(file) == 0) {
                throw new ModkitException(file + ": the simulated kernel's state is damaged: the file is empty",
                        "start a fresh kernel with: modkit sim boot --root " + root + " (its loaded modules are not kept)");
            }
            throw new ModkitException(file + ": not a modkit kernel state (" + e.getMessage() + ")",
                    "start a fresh one with: modkit sim boot --root " + root);
        }
        if (h == null || h.schema() != Schema.VERSION) {
            c.close();
            throw new ModkitException(file + ": " + (h == null ? "an unfinished kernel state (no kernel row)"
                    : "a kernel state of schema " + h.schema() + ", this modkit reads " + Schema.VERSION),
                    "start a fresh one with: modkit sim boot --root " + root);
        }
        SimulatedKernel k = new SimulatedKernel(c, root, ProfileFile.parse(file.toString(), h.profile()));
        k.upgrade();
        k.recover();
        return k;
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Adds what later modkits keep (Schema.ADDITIONS, modules.autoclean) to a state written before them, so that
     * existing state directories keep working.
     */
    private void upgrade() {
        boolean hasAutoclean = !db.query("SELECT name FROM pragma_table_info('modules') WHERE name = 'autoclean'",
                r -> r.getString(1)).isEmpty();
        boolean hasSymbols = !db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'module_symbols'",
                r -> r.getString(1)).isEmpty();
        if (hasAutoclean && hasSymbols) {
            return;
        }
        db.write(() -> {
            if (db.query("SELECT name FROM pragma_table_info('modules') WHERE name = 'autoclean'", r -> r.getString(1)).isEmpty()) {
                db.exec("ALTER TABLE modules ADD COLUMN autoclean INTEGER NOT NULL DEFAULT 0");
            }
            Schema.ADDITIONS.forEach(db::exec);
            return null;
        });
    }

    /** True if a kernel was booted under {@code root}. */
    public static boolean exists(Path root) {
        return Files.exists(root.resolve(DB));
    }

    private static SqliteConnection connect(Path file) {
        try {
            Files.createDirectories(Invocation.absolute(file).getParent());
            SqliteConnection c = SqliteConnection.open(file);
            try {
                c.busyTimeout(60_000);
                c.exec("PRAGMA foreign_keys = ON");
            } catch (SqliteException e) {
                c.close();
                throw e;
            }
            return c;
        } catch (SqliteException e) {
            throw StateDb.failure(file, e);
        } catch (IOException e) {
            throw new ModkitException(file + ": cannot open the simulated kernel's state: " + IoProblem.describe(e),
                    "use a state directory you can write: --root DIR or MODKIT_ROOT");
        }
    }

    /** Where recovery notices go (stderr by default). */
    public void onNotice(Consumer<String> sink) {
        this.notices = sink;
    }

    /** Cleans up modules left in a transient state by processes that are gone; returns what it did. */
    public List<String> recover() {
        List<String> done = db.write(life::recover);
        done.forEach(notices);
        return done;
    }

    @Override
    public boolean hasAutoclean() {
        return true;
    }

    @Override
    public String name() {
        return "sim";
    }

    @Override
    public KernelProfile profile() {
        return profile;
    }

    @Override
    public List<LoadedModule> modules() {
        return ModuleList.read(db);
    }

    /**
     * {@code add_unformed_module}: takes the kernel's lock for the link. A module of the same name that is LIVE
     * gives EEXIST, one that is GOING EBUSY; one that is still COMING is waited for (up to 30 s), since its init
     * may fail and free the name.
     */
    @Override
    public LoadTransaction beginLoad(String name) {
        long deadline = System.currentTimeMillis() + COMING_WAIT_MILLIS;
        while (true) {
            db.begin();
            try {
                life.recover().forEach(notices);
                ModuleState st = life.state(name);
                if (st == null) {
                    return new SqlLoad(db, profile, name);
                }
                if (st == ModuleState.LIVE) {
                    throw new KernelException("EEXIST", "module " + name + " is already loaded", "remove it first with: rmmod " + name);
                }
                if (st == ModuleState.GOING) {
                    throw new KernelException("EBUSY", "module " + name + " is being removed", "try again when that rmmod has finished");
                }
            } catch (RuntimeException e) {
                db.rollback();
                throw e;
            }
            db.rollback();
            if (!sleepUntil(deadline)) {
                throw new KernelException("EBUSY", "module " + name + " is still initialising in another load after "
                        + COMING_WAIT_MILLIS / 1000 + " s", "see its state with: modkit sim proc-modules");
            }
        }
    }

    /** {@code resolve_symbol_wait}: waits until {@code module} is no longer COMING; false at the deadline. */
    @Override
    public boolean awaitNotComing(String module, long deadlineMillis) {
        while (life.state(module) == ModuleState.COMING) {
            if (!sleepUntil(deadlineMillis)) {
                return false;
            }
            recover();
        }
        return true;
    }

    /** {@code delete_module}; with {@code wait}, waits (without a limit) for explicit references to be dropped. */
    @Override
    public void unload(String name, boolean force, boolean wait) {
        Unload u = new Unload(db, profile);
        while (true) {
            Unload.Stage stage = db.write(() -> {
                life.recover().forEach(notices);
                return u.begin(name, force, wait);
            });
            if (stage == Unload.Stage.GOING) {
                break;
            }
            while (u.references(name) > 0) {
                sleepUntil(Long.MAX_VALUE);
            }
        }
        // exit() runs here, with the module GOING and the lock released; sim exit-delay makes it slow.
        Long exitDelay = db.first("SELECT exit_delay_ms FROM faults WHERE module = ?", r -> r.getLong(1), name);
        if (exitDelay != null && exitDelay > 0) {
            try {
                Thread.sleep(exitDelay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        db.write(() -> {
            u.finish(name);
            return null;
        });
    }

    /** {@code try_module_get}: an explicit reference, refused once the module is GOING. */
    public long get(String name) {
        return db.write(() -> {
            ModuleState st = life.state(name);
            if (st == null || st == ModuleState.UNFORMED) {
                throw new KernelException("ENOENT", "Module " + name + " is not currently loaded", null);
            }
            if (st == ModuleState.GOING) {
                throw new KernelException("ENOENT", "Module " + name + " is going: no new references can be taken", null);
            }
            db.exec("UPDATE modules SET refcnt = refcnt + 1 WHERE name = ?", name);
            return ModuleList.find(db, name).refcnt();
        });
    }

    /** {@code module_put}: drops an explicit reference. */
    public long put(String name) {
        return db.write(() -> {
            LoadedModule m = ModuleList.find(db, name);
            if (m == null) {
                throw new KernelException("ENOENT", "Module " + name + " is not currently loaded", null);
            }
            if (m.refcnt() - m.holders().size() <= 0) {
                throw new KernelException("EINVAL", "Module " + name + " holds no reference to put",
                        "references come from: modkit sim get " + name);
            }
            db.exec("UPDATE modules SET refcnt = refcnt - 1 WHERE name = ?", name);
            return ModuleList.find(db, name).refcnt();
        });
    }

    /** {@code sim fail-init}: the module's next inits return {@code errno}. */
    public void failInit(String name, Errno errno) {
        db.write(() -> db.exec("INSERT INTO faults(module, fail_errno) VALUES (?, ?)"
                + " ON CONFLICT(module) DO UPDATE SET fail_errno = excluded.fail_errno", name, errno.name()));
    }

    /** {@code sim init-delay}: the module's next inits take {@code millis}. */
    public void initDelay(String name, long millis) {
        db.write(() -> db.exec("INSERT INTO faults(module, delay_ms) VALUES (?, ?)"
                + " ON CONFLICT(module) DO UPDATE SET delay_ms = excluded.delay_ms", name, millis));
    }

    /** {@code sim exit-delay}: the module's exit takes {@code millis} (it stays GOING meanwhile). */
    public void exitDelay(String name, long millis) {
        db.write(() -> db.exec("INSERT INTO faults(module, exit_delay_ms) VALUES (?, ?)"
                + " ON CONFLICT(module) DO UPDATE SET exit_delay_ms = excluded.exit_delay_ms", name, millis));
    }

    /** {@code sim clear}: removes the module's hooks; returns false if there were none. */
    public boolean clearFaults(String name) {
        return db.write(() -> db.exec("DELETE FROM faults WHERE module = ?", name) > 0);
    }

    /** The notifier log, oldest first. */
    public List<ModuleEvent> events() {
        return db.query("SELECT seq, time, module, event, detail FROM events ORDER BY seq",
                r -> new ModuleEvent(r.getLong(1), r.getLong(2), r.getString(3), r.getString(4), r.getString(5)));
    }

    /** The kernel's taint letters (sticky, as /proc/sys/kernel/tainted). */
    @Override
    public String taints() {
        return life.kernelTaints();
    }

    /** /sys/module/NAME/parameters: each parameter with its value read from the module's memory. */
    @Override
    public Map<String, String> parameters(String name, boolean all) {
        if (ModuleList.find(db, name) == null) {
            throw new KernelException("ENOENT", "Module " + name + " is not currently loaded", null);
        }
        List<ModuleImage.Region> regions = db.query("SELECT name, address, size, bytes FROM regions WHERE module = ?",
                r -> new ModuleImage.Region(r.getString(1), r.getLong(2), r.getLong(3), r.getBytes(4)), name);
        ImageMemory mem = ImageMemory.of(regions, profile);
        Map<String, String> out = new LinkedHashMap<>();
        for (ModuleParam p : db.query("SELECT name, type, address, size, perm FROM params WHERE module = ? ORDER BY name",
                r -> new ModuleParam(r.getString(1), r.getString(2), r.getLong(3), r.getInt(4), r.getInt(5)), name)) {
            if (all || p.perm() != 0) {
                out.put(p.name(), ParamTypes.show(mem, p));
            }
        }
        return out;
    }

    /**
     * A copy of this kernel's state in a temporary directory (for modprobe -n: the whole chain is linked and loaded
     * into the copy for real, each module against the ones before it), deleted when the copy is closed.
     */
    @Override
    public KernelBackend scratch() {
        Path dir;
        try {
            dir = Files.createTempDirectory("modkit-scratch");
            try (Stream<Path> files = Files.list(root)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(p)) {
                        Files.copy(p, dir.resolve(p.getFileName()));
                    }
                }
            }
        } catch (IOException e) {
            throw new ModkitException(root + ": cannot copy the kernel state for a dry run: " + e.getMessage());
        }
        SimulatedKernel copy = open(dir);
        copy.throwAway = dir;
        return copy;
    }

    @Override
    public void close() {
        // Nothing is pending: every change was committed or rolled back already.
        db.connection.close();
        if (throwAway != null) {
            try (Stream<Path> files = Files.walk(throwAway)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException | UncheckedIOException e) {
                // A leftover temporary directory is harmless.
            }
        }
    }

    /** insmod -k: true if the loaded module is marked autoclean. */
    @Override
    public boolean autoclean(String module) {
        Integer a = db.first("SELECT autoclean FROM modules WHERE name = ?", r -> r.getInt(1), module);
        return a != null && a != 0;
    }

    /**
     * modutils' {@code rmmod -a}: removes every LIVE module marked autoclean that nobody uses (no holders, no
     * references), again and again while a removal leaves another one unused. Returns the names removed, in order.
     */
    @Override
    public List<String> removeUnusedAutoclean() {
        List<String> removed = new java.util.ArrayList<>();
        while (true) {
            List<String> unused = modules().stream()
                    .filter(m -> m.state() == ModuleState.LIVE && m.refcnt() == 0 && m.holders().isEmpty() && autoclean(m.name()))
                    .map(LoadedModule::name).toList();
            if (unused.isEmpty()) {
                return removed;
            }
            for (String n : unused) {
                unload(n, false, false);
                removed.add(n);
            }
        }
    }

    /** insmod -S: the module's own symbols recorded at load, by address. */
    @Override
    public List<KernelSymbol> moduleOwnSymbols(String module) {
        return db.query("SELECT name, address FROM module_symbols WHERE module = ? ORDER BY address, name",
                r -> new KernelSymbol(r.getString(1), r.getLong(2), null, false, "", module), module);
    }

    /** The kernel's exports that loaded modules provide, with their owners, for views like ksyms. */
    @Override
    public List<KernelSymbol> moduleExports() {
        return db.query("SELECT e.name, e.address, e.crc, e.gpl, e.namespace, e.module FROM exports e"
                + " JOIN modules m ON m.name = e.module WHERE m.state <> 'UNFORMED' ORDER BY e.name", r -> {
                    Long crc = r.isNull(3) ? null : r.getLong(3);
                    return new KernelSymbol(r.getString(1), r.getLong(2), crc, r.getInt(4) != 0,
                            r.getString(5), r.getString(6));
                });
    }

    /** Sleeps one poll interval; false if the deadline has passed. */
    private static boolean sleepUntil(long deadlineMillis) {
        if (System.currentTimeMillis() >= deadlineMillis) {
            return false;
        }
        try {
            Thread.sleep(Lifecycle.POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelException("EINTR", "interrupted while waiting", null);
        }
        return true;
    }
}
