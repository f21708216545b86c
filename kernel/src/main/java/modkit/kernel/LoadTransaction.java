package modkit.kernel;

/**
 * One module load in progress: the kernel's view of exports and memory while the linker works. Closing it
 * without {@link #commit} undoes everything (a failed insmod changes nothing).
 */
public interface LoadTransaction extends AutoCloseable {
    /** {@code find_symbol}: vmlinux exports, then exports of loaded, formed modules, newest first; or null. */
    KernelSymbol findSymbol(String name);

    /** True if the loaded module {@code name} is proprietary (for the GPL-only rules). */
    boolean isProprietary(String module);

    /** {@code module_alloc}: reserves {@code size} bytes (a multiple of the page size) and returns the address. */
    long allocate(long size);

    /** Makes the module live: its exports become visible and its users are recorded. */
    void commit(ModuleImage image);

    @Override
    void close();
}
