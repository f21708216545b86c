package modkit.arch.ia64;

import static modkit.arch.RelocKind.ABS;
import static modkit.arch.RelocKind.BDREL;
import static modkit.arch.RelocKind.CALL;
import static modkit.arch.RelocKind.FPTR;
import static modkit.arch.RelocKind.GOT_FPTR_GPREL;
import static modkit.arch.RelocKind.GOT_GPREL;
import static modkit.arch.RelocKind.GPREL;
import static modkit.arch.RelocKind.GPREL_OR_GOT;
import static modkit.arch.RelocKind.IPLT;
import static modkit.arch.RelocKind.PC;
import static modkit.arch.RelocKind.PC_BUNDLE;
import static modkit.arch.RelocKind.PC_BUNDLE_LOCAL;
import static modkit.arch.RelocKind.PLT_ABS;
import static modkit.arch.RelocKind.SECREL;
import static modkit.arch.RelocKind.SUB;

import java.util.HashMap;
import java.util.Map;
import modkit.arch.RelocKind;

/**
 * The ia64 relocation types, numbered as {@code asm/elf.h} and the psABI: type = formula * 8 + format. The table
 * holds every type the Linux 6.1 loader ({@code arch/ia64/kernel/module.c}, {@code do_reloc}) applies, with what
 * its value means and which field receives it; every other named type is refused with the kernel's reason.
 * reloc-ia64.md §4 has the same table with the modutils 2.4 column.
 */
public final class Ia64Relocs {
    /** Where a value goes: an instruction immediate (the bundle's slot is r_offset & 0xf) or a little-endian word. */
    public enum Field {
        IMM22, IMM64, IMM21B, IMM60, LDXMOV, LSB32, LSB64;

        boolean inInstruction() {
            return this != LSB32 && this != LSB64;
        }
    }

    /** One accepted type: its psABI name without the R_IA64_ prefix, the value formula and the field. */
    public record Type(int number, String name, RelocKind kind, Field field) {}

    public static final int R_IA64_NONE = 0x00;
    public static final int R_IA64_IMM14 = 0x21;
    public static final int R_IA64_IMM22 = 0x22;
    public static final int R_IA64_IMM64 = 0x23;
    public static final int R_IA64_DIR64LSB = 0x27;
    public static final int R_IA64_GPREL22 = 0x2a;
    public static final int R_IA64_GPREL64I = 0x2b;
    public static final int R_IA64_LTOFF22 = 0x32;
    public static final int R_IA64_FPTR64LSB = 0x47;
    public static final int R_IA64_PCREL60B = 0x48;
    public static final int R_IA64_PCREL21B = 0x49;
    public static final int R_IA64_PCREL64LSB = 0x4f;
    public static final int R_IA64_LTOFF_FPTR22 = 0x52;
    public static final int R_IA64_SEGREL64LSB = 0x5f;
    public static final int R_IA64_LTV64LSB = 0x77;
    public static final int R_IA64_LTOFF22X = 0x86;
    public static final int R_IA64_LDXMOV = 0x87;

    private static final Map<Integer, Type> ACCEPTED = new HashMap<>();
    private static final Map<Integer, String> NAMES = new HashMap<>();

    private static void ok(int n, String name, RelocKind kind, Field field) {
        ACCEPTED.put(n, new Type(n, name, kind, field));
        NAMES.put(n, name);
    }

    static {
        //  type  name                 value (RelocKind)        field
        ok(0x22, "IMM22",            ABS,            Field.IMM22);   // S + A
        ok(0x23, "IMM64",            ABS,            Field.IMM64);
        ok(0x25, "DIR32LSB",         ABS,            Field.LSB32);
        ok(0x27, "DIR64LSB",         ABS,            Field.LSB64);
        ok(0x2a, "GPREL22",          GPREL,          Field.IMM22);   // S + A - gp
        ok(0x2b, "GPREL64I",         GPREL,          Field.IMM64);
        ok(0x2d, "GPREL32LSB",       GPREL,          Field.LSB32);
        ok(0x2f, "GPREL64LSB",       GPREL,          Field.LSB64);
        ok(0x32, "LTOFF22",          GOT_GPREL,      Field.IMM22);   // GOT(S + A) - gp
        ok(0x33, "LTOFF64I",         GOT_GPREL,      Field.IMM64);
        ok(0x3a, "PLTOFF22",         PLT_ABS,        Field.IMM22);   // PLT(S + A): the kernel stores the stub address
        ok(0x3b, "PLTOFF64I",        PLT_ABS,        Field.IMM64);
        ok(0x3f, "PLTOFF64LSB",      PLT_ABS,        Field.LSB64);
        ok(0x43, "FPTR64I",          FPTR,           Field.IMM64);   // FPTR(S + A)
        ok(0x45, "FPTR32LSB",        FPTR,           Field.LSB32);
        ok(0x47, "FPTR64LSB",        FPTR,           Field.LSB64);
        ok(0x48, "PCREL60B",         PC_BUNDLE,      Field.IMM60);   // S + A - B, in bundles
        ok(0x49, "PCREL21B",         CALL,           Field.IMM21B);  // CALL(S + A) - B, in bundles
        ok(0x4d, "PCREL32LSB",       PC,             Field.LSB32);   // S + A - P
        ok(0x4f, "PCREL64LSB",       PC,             Field.LSB64);
        ok(0x52, "LTOFF_FPTR22",     GOT_FPTR_GPREL, Field.IMM22);   // GOT(FPTR(S + A)) - gp
        ok(0x53, "LTOFF_FPTR64I",    GOT_FPTR_GPREL, Field.IMM64);
        ok(0x55, "LTOFF_FPTR32LSB",  GOT_FPTR_GPREL, Field.LSB32);
        ok(0x57, "LTOFF_FPTR64LSB",  GOT_FPTR_GPREL, Field.LSB64);
        ok(0x5d, "SEGREL32LSB",      ABS,            Field.LSB32);   // S + A - segment base, which is 0 for modules
        ok(0x5f, "SEGREL64LSB",      ABS,            Field.LSB64);
        ok(0x65, "SECREL32LSB",      SECREL,         Field.LSB32);   // S + A - address of the patched section
        ok(0x67, "SECREL64LSB",      SECREL,         Field.LSB64);
        ok(0x6d, "REL32LSB",         BDREL,          Field.LSB32);   // S + A - base of its module region
        ok(0x6f, "REL64LSB",         BDREL,          Field.LSB64);
        ok(0x79, "PCREL21BI",        PC_BUNDLE_LOCAL, Field.IMM21B); // S + A - B, target inside the module only
        ok(0x7a, "PCREL22",          PC_BUNDLE,      Field.IMM22);   // S + A - B, in bytes
        ok(0x7b, "PCREL64I",         PC_BUNDLE,      Field.IMM64);
        ok(0x81, "IPLTLSB",          IPLT,           Field.LSB64);   // FPTR(PLT(S + A)), 8 bytes
        ok(0x85, "SUB",              SUB,            Field.IMM64);   // A - S
        ok(0x86, "LTOFF22X",         GPREL_OR_GOT,   Field.IMM22);   // S + A - gp if in reach, else GOT(S + A) - gp
        ok(0x87, "LDXMOV",           GPREL,          Field.LDXMOV);  // in reach of gp: ld8 -> mov; else nothing

        String[] refused = {
            "00 NONE", "21 IMM14", "24 DIR32MSB", "26 DIR64MSB", "2c GPREL32MSB", "2e GPREL64MSB", "3e PLTOFF64MSB",
            "44 FPTR32MSB", "46 FPTR64MSB", "4a PCREL21M", "4b PCREL21F", "4c PCREL32MSB", "4e PCREL64MSB",
            "54 LTOFF_FPTR32MSB", "56 LTOFF_FPTR64MSB", "5c SEGREL32MSB", "5e SEGREL64MSB", "64 SECREL32MSB",
            "66 SECREL64MSB", "6c REL32MSB", "6e REL64MSB", "74 LTV32MSB", "75 LTV32LSB", "76 LTV64MSB", "77 LTV64LSB",
            "80 IPLTMSB", "84 COPY", "91 TPREL14", "92 TPREL22", "93 TPREL64I", "96 TPREL64MSB", "97 TPREL64LSB",
            "9a LTOFF_TPREL22", "a6 DTPMOD64MSB", "a7 DTPMOD64LSB", "aa LTOFF_DTPMOD22", "b1 DTPREL14", "b2 DTPREL22",
            "b3 DTPREL64I", "b4 DTPREL32MSB", "b5 DTPREL32LSB", "b6 DTPREL64MSB", "b7 DTPREL64LSB", "ba LTOFF_DTPREL22"
        };
        for (String r : refused) {
            NAMES.put(Integer.parseInt(r.substring(0, 2), 16), r.substring(3));
        }
    }

    private Ia64Relocs() {}

    /** The accepted type with this number, or null. */
    public static Type accepted(int type) {
        return ACCEPTED.get(type);
    }

    /** "R_IA64_PCREL21B"; "relocation type N" for a number asm/elf.h does not name. */
    public static String name(int type) {
        String n = NAMES.get(type);
        return n == null ? "relocation type " + Integer.toUnsignedString(type) : "R_IA64_" + n;
    }

    /** Why the 6.1 loader refuses {@code type}, with the kernel's own message in quotes. */
    public static String rejection(int type) {
        String n = NAMES.get(type);
        int formula = (type >>> 3) & 0x1f;
        int format = type & 7;
        if (n == null) {
            return "the kernel does not know it (\"unknown reloc " + Integer.toHexString(type) + "\")";
        }
        if (type == R_IA64_NONE) {
            return "the kernel has no value formula for it (\"unknown reloc 0\")";
        }
        if (formula == 14) {
            return "link-time-value relocations must be resolved by the static linker; the kernel hits BUG() on them";
        }
        if (formula >= 18 && formula <= 23) {
            return "modules cannot use thread-local storage (\"" + n + " reloc not supported\")";
        }
        if (n.equals("COPY")) {
            return "\"special reloc COPY not supported\"";
        }
        if (n.equals("PCREL21M") || n.equals("PCREL21F") || n.equals("IMM14")) {
            int f = n.equals("IMM14") ? 1 : n.equals("PCREL21M") ? 10 : 11;
            return "it must be resolved by ld -r within the module (\"format " + f + " needed by " + n
                    + " reloc is not supported\")";
        }
        if (n.equals("IPLTMSB")) {
            format = 6; // the kernel picks RF_64MSB for it
        }
        if (format == 4 || format == 6) {
            return "ia64 Linux is little-endian (\"format " + format + " needed by " + n + " reloc is not supported\")";
        }
        return "the kernel does not apply it";
    }
}
