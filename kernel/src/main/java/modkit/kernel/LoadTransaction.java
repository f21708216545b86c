package modkit.kernel;

/**
 * One module load in progress: the kernel's view of exports and memory while the linker works. Closing it
 * without {@link #commit} undoes everything (a failed insmod changes nothing).
 */
public interface LoadTransaction extends AutoCloseable {
    /**
     * {@code find_symbol}: vmlinux exports, then exports of loaded, formed modules, newest first; or null.
     * Throws {@link ModuleComing} where the exporter is still running its init.
     */
    KernelSymbol findSymbol(String name);

    /** True if the loaded module {@code name} is proprietary (for the GPL-only rules). */
    boolean isProprietary(String module);

    /** {@code module_alloc}: reserves {@code size} bytes (a multiple of the page size) and returns the address. */
    long allocate(long size);

    /**
     * {@code kmalloc}: kernel heap for what the loader copies for the module (charp parameter strings); by default
     * module-area memory.
     */
    default long allocateHeap(long size) {
        return allocate(size);
    }

    /**
     * The load failed after the kernel had already tainted itself with the module's taints ({@code check_modinfo}'s
     * O, P, C..., and E once the module is in the list): they stay, as the kernel's taint is never cleared. Called
     * before the transaction is closed; by default nothing.
     */
    default void keepTaints(String letters) {}

    /**
     * The per-cpu allocator: reserves {@code size} bytes aligned to {@code align} in the per-cpu area [start, end)
     * of the profile and returns the address.
     */
    default long allocatePercpu(long start, long end, long size, long align) {
        throw new KernelException("ENOMEM", "this kernel backend has no per-cpu allocator", null);
    }

    /**
     * Reads kernel memory a loaded module occupies ({@code length} bytes at {@code address}), or null if no loaded
     * module's region holds it. The ia64 loader reads function descriptors of other modules this way.
     */
    default byte[] read(long address, int length) {
        return null;
    }

    /**
     * Hands the module to the kernel: it is formed (exports visible, users recorded), its init runs, and it
     * becomes live. Returns the bytes of init memory freed after init; throws if init failed, after the kernel
     * has unwound the load.
     */
    long commit(ModuleImage image);

    /** {@link #commit(ModuleImage)} with modutils' marks; a kernel that has no use for them ignores them. */
    default long commit(ModuleImage image, LoadMarks marks) {
        return commit(image);
    }

    @Override
    void close();
}
