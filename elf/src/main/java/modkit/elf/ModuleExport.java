package modkit.elf;

/**
 * A symbol the module exports ({@code EXPORT_SYMBOL*}), found through its {@code __ksymtab_<name>} label.
 *
 * @param symbol index in the symbol table of the exported symbol's definition, or -1 if it is not defined here
 * @param gpl exported with {@code EXPORT_SYMBOL_GPL} (entry in {@code __ksymtab_gpl})
 * @param namespace the symbol namespace, empty for none
 * @param crc the CRC from {@code __kcrctab*}, or null when the module was built without modversions
 */
public record ModuleExport(String name, int symbol, boolean gpl, String namespace, Long crc) {}
