package modkit.kernel;

/**
 * A symbol resolved to a module that is still running its init. The kernel's {@code ref_module} refuses such a
 * reference with EBUSY and {@code resolve_symbol_wait} retries for up to 30 s; the linker does the same, without
 * holding the kernel's lock while it waits.
 */
public final class ModuleComing extends KernelException {
    private final String module;

    public ModuleComing(String module) {
        super("EBUSY", "module " + module + " is still initialising", null);
        this.module = module;
    }

    public String module() {
        return module;
    }
}
