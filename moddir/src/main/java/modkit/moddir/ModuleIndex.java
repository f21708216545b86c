package modkit.moddir;

import java.util.List;

/**
 * The facts of a module directory that a lookup by name needs ({@link ModuleLookup}), whichever files carry them:
 * the text files depmod and kbuild write ({@link ModuleDirectory}, what modprobe reads) or depmod's binary
 * indexes ({@link BinaryIndexes}, what modinfo reads, as libkmod does). Names are normalised ({@code -} as
 * {@code _}); owners come in kmod's order, by modules.order priority, duplicates kept.
 */
public interface ModuleIndex {
    /** The directory as it is printed (kmod prints DIR + "/" + the modules.dep path). */
    String dir();

    /** True if modules.dep has the module. */
    boolean has(String module);

    /** The module's file as kmod prints it, or null if modules.dep has no line for it. */
    String pathOf(String module);

    /** The modules exporting a symbol, looked up as {@code symbol:NAME} (modules.symbols). */
    List<String> symbolOwners(String key);

    /** The modules whose alias patterns match {@code name} (modules.alias). */
    List<String> aliasOwners(String name);

    /** Listed as built into the kernel (modules.builtin). */
    boolean inBuiltinList(String module);

    /** The built-in modules whose alias patterns match {@code name} (modules.builtin.modinfo's aliases). */
    List<String> builtinAliasOwners(String name);
}
