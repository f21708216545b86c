package modkit.depmod;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import modkit.depmod.ModuleTree.ModuleFile;
import modkit.elf.ModkitException;
import modkit.elf.ModuleSummary;

/**
 * Reads every module of a tree, in parallel: the modules are independent, so each core takes files from a shared
 * list. A file that cannot be read or is not a usable ELF object is set aside with its reason; the others are
 * kept, in input order.
 */
public final class ModuleScanner {
    /** A module that was read. */
    public record Scanned(ModuleFile file, ModuleSummary summary) {}

    /** A module file that could not be read, with one line saying why (it starts with the file name). */
    public record Bad(ModuleFile file, String reason) {}

    public record Result(List<Scanned> modules, List<Bad> bad) {}

    private ModuleScanner() {}

    public static Result scan(List<ModuleFile> files) {
        Object[] out = new Object[files.size()];
        IntStream.range(0, files.size()).parallel().forEach(i -> out[i] = scanOne(files.get(i)));
        List<Scanned> good = new ArrayList<>(files.size());
        List<Bad> bad = new ArrayList<>();
        for (Object o : out) {
            if (o instanceof Scanned s) {
                good.add(s);
            } else {
                bad.add((Bad) o);
            }
        }
        return new Result(good, bad);
    }

    private static Object scanOne(ModuleFile f) {
        try {
            return new Scanned(f, ModuleSummary.read(f.path()));
        } catch (ModkitException e) {
            return new Bad(f, e.getMessage());
        } catch (RuntimeException e) { // a damaged file must not stop the scan of the others
            return new Bad(f, f.path() + ": cannot parse module: " + e);
        }
    }
}
