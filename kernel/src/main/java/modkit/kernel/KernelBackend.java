package modkit.kernel;

import java.util.List;

/**
 * The kernel modkit loads into. The linker asks it for symbols and memory inside a {@link LoadTransaction} and
 * hands it the finished image; nothing is visible to anyone else until {@link LoadTransaction#commit}.
 * Implementations: {@link SimulatedKernel} (persistent, the default) and {@link MemoryKernel} (one process).
 */
public interface KernelBackend extends AutoCloseable {
    KernelProfile profile();

    /** The module list, newest first (the kernel's list order). */
    List<LoadedModule> modules();

    /** Starts loading {@code name}; fails with EEXIST if a module of that name is loaded. */
    LoadTransaction beginLoad(String name);

    /** {@code delete_module}: refuses while the module is used unless {@code force}. */
    void unload(String name, boolean force);

    @Override
    void close();
}
