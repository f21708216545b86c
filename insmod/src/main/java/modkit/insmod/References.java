package modkit.insmod;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import modkit.arch.Arch;
import modkit.arch.RelocKind;
import modkit.elf.ModkitException;
import modkit.elf.ObjectFile;
import modkit.elf.RelocTable;
import modkit.elf.Section;

/**
 * The scan pass over every relocation the kernel would apply: those whose target section is placed. It checks
 * each type is one the target kernel accepts and each field lies inside its section, so the apply pass can
 * trust both, and remembers the first use of each symbol for messages.
 */
final class References {
    private final ObjectFile obj;
    final List<RelocTable> tables = new ArrayList<>();
    private final long[] firstUse;
    private final int[] firstUseSection;
    int count;

    References(ObjectFile obj) {
        this.obj = obj;
        firstUse = new long[obj.symbols().count()];
        firstUseSection = new int[obj.symbols().count()];
        Arrays.fill(firstUseSection, -1);
    }

    static References scan(ObjectFile obj, Arch arch, Layout layout) {
        References r = new References(obj);
        for (Section rel : obj.relocationSections()) {
            if (rel.info() <= 0 || rel.info() >= obj.sectionCount()
                    || (layout.flags(rel.info()) & Section.SHF_ALLOC) == 0) {
                continue; // debug info, .modinfo, __versions: the kernel skips them silently
            }
            if ((rel.type() == Section.SHT_RELA) != arch.usesRela()) {
                throw new ModkitException(obj.file() + ": section " + rel.name() + " holds "
                        + (arch.usesRela() ? "REL" : "RELA") + " relocations, but the " + arch.name()
                        + " kernel takes only " + (arch.usesRela() ? "RELA" : "REL") + " (\"REL relocation unsupported\")");
            }
            RelocTable t = obj.relocations(rel);
            Section target = t.target();
            for (int i = 0; i < t.count(); i++) {
                int type = t.type(i);
                long off = t.offset(i);
                if (arch.kindOf(type) == RelocKind.UNSUPPORTED) {
                    String why = arch.rejection(type);
                    throw new ModkitException(obj.file() + ":" + target.at(off) + ": " + (why == null ? "unknown" : "unsupported")
                            + " relocation " + arch.typeName(type)
                            + " (" + Integer.toUnsignedString(type) + ") against '" + SymbolResolver.displayName(obj, t.symbol(i))
                            + "': " + arch.whyUnsupported(type) + (why == null ? "" : ": " + why),
                            why != null ? null : arch.unsupportedHint(type));
                }
                long end = arch.fieldEnd(type, off);
                if (end > target.size()) {
                    throw new ModkitException(obj.file() + ":" + target.at(off) + ": " + arch.typeName(type)
                            + " field of " + (end - off) + " bytes runs past the end of " + target.name()
                            + " (size 0x" + Long.toHexString(target.size()) + ")");
                }
                int sym = t.symbol(i);
                if (r.firstUseSection[sym] < 0) {
                    r.firstUseSection[sym] = target.index();
                    r.firstUse[sym] = off;
                }
            }
            r.count += t.count();
            r.tables.add(t);
        }
        return r;
    }

    /** "(.text+0x44)" for the first relocation that uses symbol {@code i}, or null. */
    String firstUse(int i) {
        int s = firstUseSection[i];
        return s < 0 ? null : obj.section(s).at(firstUse[i]);
    }
}
