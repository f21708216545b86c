package modkit.insmod;

import java.util.HashMap;
import java.util.Map;
import modkit.arch.ArchSections;
import modkit.elf.ObjectFile;
import modkit.elf.SymbolTable;

/**
 * Names for what an arch built around a module (ia64 PLT stubs, GOT slots, descriptors), for the load map and
 * the image's symbol table: "printk@plt", "fat_fs_error@got", "vfat_lookup@fdesc". An entry is named after the
 * symbol whose value it holds or leads to; one that leads nowhere known is named by its target address.
 */
final class LinkageNames {
    private final java.util.TreeMap<Long, String> byAddress = new java.util.TreeMap<>(Long::compareUnsigned);
    private final Map<Long, String> descriptorOf = new HashMap<>();

    LinkageNames(LinkResult r) {
        for (ResolvedSymbol s : r.symbols()) {
            byAddress.putIfAbsent(s.address(), s.name()); // externals: a function's value is its descriptor
        }
        ObjectFile obj = r.object();
        SymbolTable st = obj.symbols();
        for (int pass = 0; pass < 2; pass++) { // functions first, then anything else with a name
            for (int i = 1; i < st.count(); i++) {
                boolean func = st.type(i) == SymbolTable.STT_FUNC;
                if ((pass == 0) != func || st.isUndefined(i) || st.name(i).isEmpty() || st.type(i) == SymbolTable.STT_SECTION
                        || st.type(i) == SymbolTable.STT_FILE) {
                    continue;
                }
                byAddress.putIfAbsent(r.symbolValues()[i], st.name(i));
            }
        }
        for (ArchSections.Entry e : r.archEntries()) {
            if (e.kind().equals("plt")) {
                descriptorOf.put(e.address(), nameOf(e.target()) + "@plt");
            }
        }
        for (ArchSections.Entry e : r.archEntries()) {
            if (e.kind().equals("fdesc")) {
                descriptorOf.put(e.address(), nameOf(e.target()));
            }
        }
    }

    /** The symbol at an address, "sym+0x8" a little past one, or the address in hex. */
    String nameOf(long address) {
        String n = descriptorOf.get(address);
        if (n == null) {
            n = byAddress.get(address);
        }
        if (n == null) {
            Map.Entry<Long, String> below = byAddress.floorEntry(address);
            if (below != null && Long.compareUnsigned(address - below.getKey(), 0x1000) < 0) {
                n = below.getValue() + "+0x" + Long.toHexString(address - below.getKey());
            }
        }
        return n != null ? n : "0x" + Long.toHexString(address);
    }

    /** "printk@plt": the entry's kind after the name of what it leads to; "__gp" for the global pointer. */
    String name(ArchSections.Entry e) {
        return e.kind().equals("gp") ? "__gp" : nameOf(e.target()) + "@" + e.kind();
    }
}
