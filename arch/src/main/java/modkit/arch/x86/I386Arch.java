package modkit.arch.x86;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import modkit.arch.Arch;
import modkit.arch.FieldOverflow;
import modkit.arch.RelocKind;

/**
 * i386 modules: REL, little-endian, so the addend is whatever the assembler left in the field ({@code call foo}
 * holds -4). The kernel's {@code apply_relocate} accepts exactly R_386_32, R_386_PC32 and R_386_PLT32, all as
 * "field += value"; there is no PLT. Even R_386_NONE is refused ("Unknown relocation: 0").
 *
 * <p>The whole address space is 32 bits, so a PC-relative displacement is right modulo 2^32 whatever its sign:
 * PC32/PLT32 are stored wrapped, as the hardware computes them. Absolute values must fit 32 bits.
 * Reference: System V i386 psABI, "Relocation Types"; reloc-x86.md §2.
 */
public final class I386Arch implements Arch {
    public static final int R_386_NONE = 0;
    public static final int R_386_32 = 1;
    public static final int R_386_PC32 = 2;
    public static final int R_386_GOT32 = 3;
    public static final int R_386_PLT32 = 4;

    private static final String[] NAMES = {
        "NONE", "32", "PC32", "GOT32", "PLT32", "COPY", "GLOB_DAT", "JMP_SLOT", "RELATIVE", "GOTOFF", "GOTPC", "32PLT",
        "type 12", "type 13", "TLS_TPOFF", "TLS_IE", "TLS_GOTIE", "TLS_LE", "TLS_GD", "TLS_LDM", "16", "PC16", "8", "PC8"
    };

    @Override
    public String name() {
        return "i386";
    }

    @Override
    public int machine() {
        return 3;
    }

    @Override
    public boolean acceptsMachine(int eMachine) {
        return eMachine == 3 || eMachine == 6; // EM_386, EM_486
    }

    @Override
    public boolean is64() {
        return false;
    }

    @Override
    public ByteOrder order() {
        return ByteOrder.LITTLE_ENDIAN;
    }

    @Override
    public boolean usesRela() {
        return false;
    }

    @Override
    public String typeName(int type) {
        if (type == 43) {
            return "R_386_GOT32X";
        }
        return type >= 0 && type < NAMES.length && !NAMES[type].startsWith("type")
                ? "R_386_" + NAMES[type]
                : "relocation type " + Integer.toUnsignedString(type);
    }

    @Override
    public RelocKind kindOf(int type) {
        return switch (type) {
            case R_386_32 -> RelocKind.ABS; // S + A
            case R_386_PC32, R_386_PLT32 -> RelocKind.PC; // S + A - P
            default -> RelocKind.UNSUPPORTED;
        };
    }

    @Override
    public int fieldSize(int type) {
        return 4;
    }

    @Override
    public long implicitAddend(ByteBuffer b, int at, int type) {
        return b.getInt(at); // sign-extended: "call foo" leaves -4
    }

    @Override
    public void store(ByteBuffer b, int at, int type, long v) throws FieldOverflow {
        switch (type) {
            // apply_relocate adds in 32-bit unsigned arithmetic and checks nothing: a __pa()-style value (symbol
            // minus PAGE_OFFSET, held as 64 bits here) wraps modulo 2^32 as it does in the kernel.
            case R_386_32, R_386_PC32, R_386_PLT32 -> b.putInt(at, (int) v);
            default -> throw new IllegalStateException("store of unchecked type " + typeName(type));
        }
    }

    @Override
    public boolean mayStayUndefined(String name) {
        return name.equals("_GLOBAL_OFFSET_TABLE_");
    }

    @Override
    public long[] defaultModuleArea() {
        // The vmalloc area of a 3G/1G split with 896 MiB lowmem: VMALLOC_START to just below the fixmap.
        return new long[] {0xf8000000L, 0xff000000L};
    }
}
