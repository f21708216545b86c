package modkit.insmod;

import java.nio.file.Path;
import modkit.elf.ObjectFile;
import modkit.kernel.KernelBackend;
import modkit.kernel.LoadTransaction;

/** insmod as a library call: read, link against the backend's kernel, and load (or, dry, only link). */
public final class Insmod {
    private Insmod() {}

    public static LinkResult load(Path file, KernelBackend kernel, LinkOptions opts, boolean dryRun) {
        ObjectFile obj = ObjectFile.read(file);
        return load(obj, kernel, opts, dryRun);
    }

    public static LinkResult load(ObjectFile obj, KernelBackend kernel, LinkOptions opts, boolean dryRun) {
        try (LoadTransaction tx = kernel.beginLoad(obj.moduleName())) {
            LinkResult r = Linker.link(obj, kernel.profile(), tx, opts);
            if (!dryRun) {
                tx.commit(r.image());
            }
            return r;
        }
    }
}
