package modkit.insmod;

/**
 * modutils 2.4 insmod's flags that change what is loaded, not how it is linked.
 *
 * @param name -o NAME: load under this name (null: the module's own)
 * @param noExport -x: the module's exports are not made visible to other modules
 * @param autoclean -k: mark the module autoclean (for rmmod -a)
 * @param kallsyms -S: record all the module's symbols, local ones too, in the kernel's symbol listing
 * @param ksymoops -Y: add modutils' {@code __insmod_NAME_...} symbols to the module's exports
 * @param numericOnly -N: vermagic's release is compared by its numeric version only ("6.1.0")
 */
public record LoadFlags(String name, boolean noExport, boolean autoclean, boolean kallsyms, boolean ksymoops,
        boolean numericOnly) {
    public static final LoadFlags NONE = new LoadFlags(null, false, false, false, false, false);

    /** The kernel's MODULE_NAME_LEN: 64 - sizeof(unsigned long), NUL included. */
    public static final int MODULE_NAME_LEN = 56;
}
