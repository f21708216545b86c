package modkit.kernel;

/**
 * A symbol exported by the kernel image (vmlinux) or by a loaded module.
 *
 * @param crc the modversions CRC, or null when the exporter has none
 * @param gpl exported with EXPORT_SYMBOL_GPL
 * @param namespace the symbol namespace, empty for none
 * @param owner the exporting module's name, or null for vmlinux
 */
public record KernelSymbol(String name, long address, Long crc, boolean gpl, String namespace, String owner) {
    public KernelSymbol {
        namespace = namespace == null ? "" : namespace;
    }

    /** "kernel" or "module:NAME", as in the JSON load map. */
    public String from() {
        return owner == null ? "kernel" : "module:" + owner;
    }
}
