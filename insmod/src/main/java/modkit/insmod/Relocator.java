package modkit.insmod;

import java.nio.ByteBuffer;
import modkit.arch.Arch;
import modkit.arch.ArchSections;
import modkit.arch.FieldOverflow;
import modkit.arch.RelocKind;
import modkit.elf.ModkitException;
import modkit.elf.ObjectFile;
import modkit.elf.RelocTable;

/**
 * {@code apply_relocations}: for each entry, S (the symbol's final value), A (the addend: r_addend, or the field
 * for REL) and P (the field's final address) give the value its kind asks for ({@link RelocKind#value}); the arch
 * stores it. Kinds that need a GOT slot, a function descriptor or a PLT stub ask the arch's {@link ArchSections},
 * which builds them.
 */
final class Relocator {
    private Relocator() {}

    /** Where a placed section's bytes are: a buffer over its region and the section's offset in it. */
    interface Target {
        ByteBuffer buffer(int sectionIndex);

        int offset(int sectionIndex);

        long address(int sectionIndex);
    }

    static void apply(ObjectFile obj, Arch arch, References refs, long[] values, Target target, ArchSections tables) {
        for (RelocTable t : refs.tables) {
            int sec = t.target().index();
            ByteBuffer buf = target.buffer(sec);
            int base = target.offset(sec);
            long secAddr = target.address(sec);
            boolean rela = t.isRela();
            for (int i = 0, n = t.count(); i < n; i++) {
                int type = t.type(i);
                int at = base + (int) t.offset(i);
                long S = values[t.symbol(i)];
                long A = rela ? t.addend(i) : arch.implicitAddend(buf, at, type);
                long P = secAddr + t.offset(i);
                try {
                    arch.store(buf, at, type, arch.kindOf(type).value(S, A, P, secAddr, tables));
                } catch (FieldOverflow e) {
                    throw overflow(obj, arch, t, i, e);
                }
            }
        }
    }

    private static ModkitException overflow(ObjectFile obj, Arch arch, RelocTable t, int i, FieldOverflow e) {
        String type = arch.typeName(t.type(i));
        String where = obj.file() + ":" + t.target().at(t.offset(i)) + ": " + type + " against '"
                + SymbolResolver.displayName(obj, t.symbol(i)) + "': " + e.getMessage();
        String hint = arch.overflowHint(t.type(i), e);
        if (hint != null) {
            return new ModkitException(where, hint.isEmpty() ? null : hint);
        }
        hint = arch.overflowHint(t.type(i));
        if (hint == null && (type.endsWith("_32") || type.endsWith("_32S"))) {
            hint = "was the module built with -mcmodel=kernel?";
        } else if (hint == null && (type.contains("PC") || type.contains("PLT"))) {
            hint = "the target is out of reach of a 32-bit displacement: does the kernel profile's module area lie within 2 GiB of the kernel?";
        }
        return new ModkitException(where, hint);
    }
}
