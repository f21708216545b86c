package modkit.kernel;

import modkit.elf.ObjectFile;

/**
 * A kernel that links modules itself (the running Linux kernel): modkit checks the module and links it once at
 * placeholder addresses against the kernel's exports ({@link #preflight}), so that every problem it can see is
 * reported before the kernel is asked; then {@link #insert} hands the kernel the file.
 */
public non-sealed interface FileBackend extends KernelBackend {
    /**
     * A transaction for the dry link of module {@code name}: symbol lookups see the kernel's exports and those of
     * loaded modules, memory comes at placeholder addresses, and {@link LoadTransaction#commit} is refused.
     */
    LoadTransaction preflight(String name);

    /**
     * Asks the kernel to load the module (a module of that name already loaded is refused first, with EEXIST). {@code params} is the parameter string; the two flags are the kernel's
     * {@code MODULE_INIT_IGNORE_VERMAGIC} and {@code MODULE_INIT_IGNORE_MODVERSIONS}. Throws
     * {@link KernelException} with the kernel's errno if it refuses.
     */
    void insert(ObjectFile module, String params, boolean ignoreVermagic, boolean ignoreModversions);
}
