package modkit.depmod;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import modkit.depmod.ModuleTree.ModuleFile;
import modkit.elf.ModkitException;
import modkit.elf.ModuleSummary;

/**
 * Reads every module of a tree on every core. The modules are independent: the pool's threads start on each file
 * as soon as the directory walk {@linkplain #found finds} it, and once the walk is over the calling thread reads
 * files too, from the end of the list towards the pool's threads, which work from the start. A file that cannot be
 * read or is not a usable ELF object is set aside with its reason; the others are kept, in input order.
 */
public final class ModuleScanner {
    /** A module that was read. */
    public record Scanned(ModuleFile file, ModuleSummary summary) {}

    /** A module file that could not be read, with one line saying why (it starts with the file name). */
    public record Bad(ModuleFile file, String reason) {}

    public record Result(List<Scanned> modules, List<Bad> bad) {}

    /** One file's read: whoever claims it first does it, the others wait for its result. */
    private final class Slot {
        private final ModuleFile file;
        private final AtomicBoolean claimed = new AtomicBoolean();
        private final CompletableFuture<Object> result = new CompletableFuture<>();

        Slot(ModuleFile file) {
            this.file = file;
        }

        void runIfUnclaimed() {
            if (claimed.compareAndSet(false, true)) {
                try {
                    result.complete(scanOne(file));
                } catch (Throwable t) { // out of memory, say: whoever waits for this file must not wait forever
                    result.completeExceptionally(t);
                    throw t;
                }
            }
        }

        /** Once this returns no read of the file is running: unread, it is claimed and never read; else awaited. */
        void settle() {
            if (claimed.compareAndSet(false, true)) {
                result.complete(null);
                return;
            }
            try {
                result.join();
            } catch (RuntimeException e) { // (a file nobody asked for: its failure is nobody's)
            }
        }
    }

    private final Map<Path, Slot> slots = new ConcurrentHashMap<>();
    private final ForkJoinPool pool = ForkJoinPool.commonPool();

    /** Starts reading {@code f} on a pool thread; the walk calls this for every module file it meets. */
    public void found(ModuleFile f) {
        Slot s = new Slot(f);
        slots.put(f.path(), s);
        pool.execute(s::runIfUnclaimed);
    }

    /** Reads {@code files} (those already {@linkplain #found found} are under way) and waits for all of them. */
    public Result scan(List<ModuleFile> files) {
        Slot[] mine = new Slot[files.size()];
        for (int i = 0; i < mine.length; i++) {
            mine[i] = slots.get(files.get(i).path());
            // The same object the walk announced (a record's equals would link an invokedynamic at run time:
            // method handles spun and run interpreted, 10 ms of a tree scan's start).
            if (mine[i] == null || mine[i].file != files.get(i)) {
                mine[i] = new Slot(files.get(i));
            }
        }
        for (int i = mine.length - 1; i >= 0; i--) {
            mine[i].runIfUnclaimed();
        }
        List<Scanned> good = new ArrayList<>(files.size());
        List<Bad> bad = new ArrayList<>();
        for (Slot s : mine) {
            Object o = s.result.join();
            if (o instanceof Scanned sc) {
                good.add(sc);
            } else {
                bad.add((Bad) o);
            }
        }
        // The walk may have announced files that are not in the list (the config left them out, say): their reads
        // must not be running when the threads' buffers are given back.
        for (Slot s : slots.values()) {
            s.settle();
        }
        slots.clear(); // (a map entry, future and flag per module, otherwise kept while depmod renders)
        ModuleSummary.releaseBuffers();
        return new Result(good, bad);
    }

    private static Object scanOne(ModuleFile f) {
        try {
            return new Scanned(f, ModuleSummary.read(f.path(), DepmodOutput.MODINFO_KEYS));
        } catch (ModkitException e) {
            return new Bad(f, e.getMessage());
        } catch (RuntimeException e) { // a damaged file must not stop the scan of the others
            return new Bad(f, f.path() + ": cannot parse module: " + e);
        }
    }
}
