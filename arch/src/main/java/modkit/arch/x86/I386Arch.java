package modkit.arch.x86;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import modkit.arch.Arch;
import modkit.arch.ArchTraits;
import modkit.arch.ArchTraits.Area;
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

    public static final int EM_386 = 3;
    public static final int EM_486 = 6;

    /**
     * The module area is the vmalloc area of a 3G/1G split with 896 MiB lowmem: VMALLOC_START to just below the
     * fixmap. elf_check_arch takes EM_486 too.
     */
    private static final ArchTraits TRAITS = new ArchTraits("i386", List.of(EM_386, EM_486), false, ByteOrder.LITTLE_ENDIAN,
            false, 4, 4096, new Area(0xf8000000L, 0xff000000L), Optional.empty(), true, true, "CONFIG_X86_32",
            List.of("i386", "i486", "i586", "i686", "x86"), List.of());

    /** MODULE_PROC_FAMILY of arch/x86/include/asm/module.h (x86-32), in the header's order. */
    private static final Map<String, String> PROC_FAMILY = new LinkedHashMap<>();

    static {
        String[][] f = {
            {"M486SX", "486SX "}, {"M486", "486 "}, {"M586", "586 "}, {"M586TSC", "586TSC "}, {"M586MMX", "586MMX "},
            {"MCORE2", "CORE2 "}, {"MATOM", "ATOM "}, {"M686", "686 "}, {"MPENTIUMII", "PENTIUMII "},
            {"MPENTIUMIII", "PENTIUMIII "}, {"MPENTIUMM", "PENTIUMM "}, {"MPENTIUM4", "PENTIUM4 "}, {"MK6", "K6 "},
            {"MK7", "K7 "}, {"MK8", "K8 "}, {"MELAN", "ELAN "}, {"MCRUSOE", "CRUSOE "}, {"MEFFICEON", "EFFICEON "},
            {"MWINCHIPC6", "WINCHIPC6 "}, {"MWINCHIP3D", "WIN3D "}, {"MCYRIXIII", "CYRIXIII "},
            {"MVIAC3_2", "VIAC3-2 "}, {"MVIAC7", "VIAC7 "}, {"MGEODEGX1", "GEODEGX1 "}, {"MGEODE_LX", "GEODE "}
        };
        for (String[] e : f) {
            PROC_FAMILY.put("CONFIG_" + e[0], e[1]);
        }
    }

    @Override
    public ArchTraits traits() {
        return TRAITS;
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

    /** The CPU family the kernel was built for (MODULE_PROC_FAMILY), once per distinct string. */
    @Override
    public String vermagicSuffix(Map<String, String> config) {
        StringBuilder v = new StringBuilder();
        PROC_FAMILY.forEach((option, family) -> {
            if ("y".equals(config.get(option)) && v.indexOf(family) < 0) {
                v.append(family);
            }
        });
        return v.toString();
    }
}
