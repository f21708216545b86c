package modkit.lsmod;

import java.util.List;
import modkit.kernel.KernelBackend;
import modkit.kernel.KernelSymbol;
import modkit.kernel.LoadedModule;

/**
 * Where {@code ksyms -a} finds the symbols that are not exported. This is the extension point for two facts modkit
 * does not record yet: a loaded module's whole symbol table (what the kernel keeps for kallsyms; insmod -S is to
 * record it in the simulated kernel) and the kernel image's own symbols beyond its exports (a profile holds only
 * the exports of Module.symvers, with their System.map addresses). Until a backend records them,
 * {@link #EXPORTS_ONLY} answers "unknown" and -a lists the exports alone.
 */
public interface SymbolTables {
    /**
     * Every symbol of a loaded module, locals included, with owner = the module's name; null if the backend did not
     * record the module's table (the listing then falls back to its exports).
     */
    List<KernelSymbol> module(KernelBackend kernel, LoadedModule module);

    /** The kernel image's symbols that it does not export (owner null); empty if the profile knows none. */
    List<KernelSymbol> kernel(KernelBackend kernel);

    /**
     * What the backend recorded: a module's whole table where it was loaded with {@code insmod -S} (the simulated
     * kernel keeps it), else its exports; profiles hold the kernel's exports only.
     */
    SymbolTables RECORDED = new SymbolTables() {
        @Override
        public List<KernelSymbol> module(KernelBackend kernel, LoadedModule module) {
            List<KernelSymbol> own = kernel.moduleOwnSymbols(module.name());
            return own.isEmpty() ? null : own;
        }

        @Override
        public List<KernelSymbol> kernel(KernelBackend kernel) {
            return List.of();
        }
    };

    /** Exports alone, whatever the backend recorded. */
    SymbolTables EXPORTS_ONLY = new SymbolTables() {
        @Override
        public List<KernelSymbol> module(KernelBackend kernel, LoadedModule module) {
            return null;
        }

        @Override
        public List<KernelSymbol> kernel(KernelBackend kernel) {
            return List.of();
        }
    };
}
