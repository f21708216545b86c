package modkit.kernel;

import java.util.List;
import java.util.Map;

/**
 * A kernel modkit works with: what every command needs of it (the module list, exported symbols, taint,
 * parameters, unload). How a module gets in comes in two kinds:
 * <ul>
 *   <li>{@link ImageBackend}: modkit links the module and the backend takes the finished image (the simulated
 *       kernel, {@link MemoryKernel});
 *   <li>{@link FileBackend}: the kernel links the module itself and modkit checks it first (the running Linux
 *       kernel).
 * </ul>
 * Commands open a backend through {@link Backends} and see only this interface.
 */
public sealed interface KernelBackend extends AutoCloseable permits ImageBackend, FileBackend {
    /**
     * How long a load waits for a module that is still in its init: an exporter it needs (the kernel's
     * {@code resolve_symbol_wait}) or an earlier load of the same name ({@code add_unformed_module}): 30 s.
     */
    long COMING_WAIT_MILLIS = 30_000;

    /** The backend's name as {@code --backend} takes it ("sim", "linux", "memory"). */
    String name();

    KernelProfile profile();

    /** The kernel's architecture ({@code uname -m}, in modkit's names); cheaper than the whole profile. */
    default String arch() {
        return profile().arch();
    }

    /** The kernel's release ({@code uname -r}); cheaper than the whole profile. */
    default String release() {
        return profile().release();
    }

    /** The module list, newest first (the kernel's list order). */
    List<LoadedModule> modules();

    /** The module in the list, or null. */
    default LoadedModule find(String name) {
        for (LoadedModule m : modules()) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        return null;
    }

    /** The symbols loaded modules export, with their owners (the kernel image's are in {@link #profile()}). */
    List<KernelSymbol> moduleExports();

    /**
     * modutils' autoclean flag (insmod -k): false on kernels that have none (Linux since 2.6). Only the
     * simulated kernel keeps it.
     */
    default boolean autoclean(String module) {
        return false;
    }

    /** modutils' rmmod -a: removes unused autoclean modules and returns their names; none where there is no autoclean. */
    default List<String> removeUnusedAutoclean() {
        return List.of();
    }

    /** True if this kernel keeps modutils' autoclean flag (the simulated kernel; Linux dropped it in 2.6). */
    default boolean hasAutoclean() {
        return false;
    }

    /** The module's own symbols recorded by insmod -S (local ones too), by address; empty where none were. */
    default List<KernelSymbol> moduleOwnSymbols(String module) {
        return List.of();
    }

    /** The kernel's taint letters, in bit order ({@code /proc/sys/kernel/tainted}). */
    String taints();

    /**
     * {@code delete_module}: refuses while the module is used unless {@code force} (and the kernel allows it);
     * with {@code wait}, first waits for its references to be dropped.
     */
    void unload(String name, boolean force, boolean wait);

    /**
     * /sys/module/NAME/parameters: each parameter with its value; {@code all} asks also for those with permission 0,
     * where the backend can show them.
     */
    Map<String, String> parameters(String module, boolean all);

    /**
     * A kernel to try loads in (modprobe -n) that starts as this one and changes nothing of it; closing it throws it
     * away. By default a kernel in memory that knows this one's exports and loaded modules.
     */
    default KernelBackend scratch() {
        return MemoryKernel.over(this);
    }

    /** What a verbose command should say about this backend (where its facts come from, what it leaves unchecked). */
    default List<String> notes() {
        return List.of();
    }

    @Override
    void close();
}
