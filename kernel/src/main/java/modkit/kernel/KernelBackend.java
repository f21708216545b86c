package modkit.kernel;

import java.util.List;

/**
 * The kernel modkit loads into. The linker asks it for symbols and memory inside a {@link LoadTransaction} and
 * hands it the finished image; nothing is visible to anyone else until {@link LoadTransaction#commit}.
 * Implementations: {@link SimulatedKernel} (persistent, the default) and {@link MemoryKernel} (one process).
 */
public interface KernelBackend extends AutoCloseable {
    /**
     * How long a load waits for a module that is still in its init: an exporter it needs (the kernel's
     * {@code resolve_symbol_wait}) or an earlier load of the same name ({@code add_unformed_module}): 30 s.
     */
    long COMING_WAIT_MILLIS = 30_000;

    KernelProfile profile();

    /** The module list, newest first (the kernel's list order). */
    List<LoadedModule> modules();

    /**
     * Starts loading {@code name}: EEXIST if a module of that name is live, EBUSY if it is going; waits while
     * one of that name is still coming.
     */
    LoadTransaction beginLoad(String name);

    /**
     * Waits while {@code module} is COMING (a symbol lookup hit it: {@link ModuleComing}); false if it still is
     * at {@code deadlineMillis}. A backend without init transitions never has COMING modules.
     */
    default boolean awaitNotComing(String module, long deadlineMillis) {
        return true;
    }

    /** {@code delete_module}: refuses while the module is used unless {@code force} (and the kernel allows it). */
    void unload(String name, boolean force);

    @Override
    void close();
}
