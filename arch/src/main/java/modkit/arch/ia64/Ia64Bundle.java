package modkit.arch.ia64;

import java.nio.ByteBuffer;
import modkit.arch.FieldOverflow;

/**
 * The ia64 instruction bundle: 128 bits, little-endian, a 5-bit template (bits 0-4) naming the execution unit of
 * each of three 41-bit slots (bits 5-45, 46-86, 87-127). A relocation names an instruction as bundle address plus
 * slot number (r_offset ends in 0, 1 or 2). This class reads and writes the immediate fields relocations patch,
 * and checks first that the slot holds the instruction the field belongs to, so a relocation against the wrong
 * slot is an error instead of a corrupted instruction.
 *
 * <p>Field layouts (bit numbers inside the 41-bit slot; qp is bits 0-5, the major opcode bits 37-40), from the
 * Itanium SDM vol. 3 and the kernel's {@code apply_imm*}; see reloc-ia64.md §2:
 * <pre>
 * imm14  A4 adds   opcode 8, x2a=2 (bits 34-35)  v[0:6]->13-19  v[7:12]->27-32  v[13]->36
 * imm22  A5 addl   opcode 9                      v[0:6]->13-19  v[7:15]->27-35  v[16:20]->22-26  v[21]->36
 * imm21b B1 br.cond / B3 br.call, opcode 4 / 5   d[0:19]->13-32  d[20]->36            (d counts bundles)
 * imm64  X2 movl   MLX, slot 2 opcode 6          slot 1 <- v[22:62]; slot 2: imm22 bits as addl, v[21]->21, v[63]->36
 * imm60  X3/X4 brl MLX, slot 2 opcode 12 / 13    slot 2: d[0:19]->13-32, d[59]->36; slot 1 bits 2-40 <- d[20:58]
 * </pre>
 */
public final class Ia64Bundle {
    public static final int SIZE = 16;
    public static final long SLOT_MASK = (1L << 41) - 1;

    static final long IMM14_MASK = 0x011f80fe000L;
    static final long IMM22_MASK = 0x01fffcfe000L;
    static final long IMM21B_MASK = 0x011ffffe000L;
    static final long IMM64_SLOT2_MASK = 0x01fffefe000L;
    static final long IMM60_SLOT2_MASK = 0x011ffffe000L;
    static final long IMM60_SLOT1_MASK = 0x1fffffffffcL;
    /** LDXMOV: opcode 8 and every extension bit and r2 cleared, i.e. {@code ld8 r1=[r3]} becomes {@code add r1=r0,r3}. */
    static final long LDXMOV_MASK = 0x1fff80fe000L;
    static final long LDXMOV_BITS = 0x10000000000L;

    /** Execution unit of a slot; L and X are the two halves of a long-immediate (MLX) instruction. */
    public enum Unit { M, I, F, B, L, X }

    private static final String[] TEMPLATES = {
        "MII", "MII", "MII", "MII", "MLX", "MLX", null, null, "MMI", "MMI", "MMI", "MMI", "MFI", "MFI", "MMF", "MMF",
        "MIB", "MIB", "MBB", "MBB", null, null, "BBB", "BBB", "MMB", "MMB", null, null, "MFB", "MFB", null, null
    };

    private Ia64Bundle() {}

    /** The units of a template's three slots, e.g. "MIB"; null for the eight reserved templates. */
    public static String units(int template) {
        return TEMPLATES[template & 0x1f];
    }

    public static int template(ByteBuffer b, int bundleAt) {
        return b.get(bundleAt) & 0x1f;
    }

    public static Unit unit(ByteBuffer b, int bundleAt, int slot) {
        String u = units(template(b, bundleAt));
        return u == null ? null : Unit.valueOf(u.substring(slot, slot + 1));
    }

    public static long slot(ByteBuffer b, int bundleAt, int n) {
        long lo = b.getLong(bundleAt);
        long hi = b.getLong(bundleAt + 8);
        return switch (n) {
            case 0 -> (lo >>> 5) & SLOT_MASK;
            case 1 -> ((lo >>> 46) | (hi << 18)) & SLOT_MASK;
            case 2 -> (hi >>> 23) & SLOT_MASK;
            default -> throw new IllegalArgumentException("slot " + n);
        };
    }

    public static void setSlot(ByteBuffer b, int bundleAt, int n, long insn) {
        long v = insn & SLOT_MASK;
        long lo = b.getLong(bundleAt);
        long hi = b.getLong(bundleAt + 8);
        switch (n) {
            case 0 -> lo = (lo & ~(SLOT_MASK << 5)) | (v << 5);
            case 1 -> {
                lo = (lo & ((1L << 46) - 1)) | (v << 46);
                hi = (hi & ~((1L << 23) - 1)) | (v >>> 18);
            }
            case 2 -> hi = (hi & ((1L << 23) - 1)) | (v << 23);
            default -> throw new IllegalArgumentException("slot " + n);
        }
        b.putLong(bundleAt, lo);
        b.putLong(bundleAt + 8, hi);
    }

    public static int opcode(long insn) {
        return (int) (insn >>> 37) & 0xf;
    }

    // ---- imm22 (A5 addl) and imm14 (A4 adds) ------------------------------------------------------------------

    public static long imm22(long insn) {
        long v = ((insn >>> 13) & 0x7f) | (((insn >>> 27) & 0x1ff) << 7) | (((insn >>> 22) & 0x1f) << 16)
                | (((insn >>> 36) & 1) << 21);
        return v << 42 >> 42;
    }

    public static long withImm22(long insn, long v) {
        return (insn & ~IMM22_MASK) | ((v & 0x7f) << 13) | (((v >>> 7) & 0x1ff) << 27) | (((v >>> 16) & 0x1f) << 22)
                | (((v >>> 21) & 1) << 36);
    }

    public static long imm14(long insn) {
        long v = ((insn >>> 13) & 0x7f) | (((insn >>> 27) & 0x3f) << 7) | (((insn >>> 36) & 1) << 13);
        return v << 50 >> 50;
    }

    public static long withImm14(long insn, long v) {
        return (insn & ~IMM14_MASK) | ((v & 0x7f) << 13) | (((v >>> 7) & 0x3f) << 27) | (((v >>> 13) & 1) << 36);
    }

    /** Writes imm22 of the {@code addl} in {@code slot}. */
    public static void putImm22(ByteBuffer b, int bundleAt, int slot, long v) throws FieldOverflow {
        long insn = expect(b, bundleAt, slot, "addl (A5, imm22)", 9, -1);
        checkSigned(v, 22, "IMM22");
        setSlot(b, bundleAt, slot, withImm22(insn, v));
    }

    /** Writes imm14 of the {@code adds} in {@code slot}. */
    public static void putImm14(ByteBuffer b, int bundleAt, int slot, long v) throws FieldOverflow {
        long insn = expect(b, bundleAt, slot, "adds (A4, imm14)", 8, -1);
        if (((insn >>> 34) & 3) != 2) {
            throw new FieldOverflow("slot " + slot + " holds an opcode 8 instruction that is not adds (x2a != 2)");
        }
        checkSigned(v, 14, "IMM14");
        setSlot(b, bundleAt, slot, withImm14(insn, v));
    }

    // ---- imm21b (B1 br.cond, B3 br.call) ---------------------------------------------------------------------

    /** The branch displacement of a B1/B3 instruction, in bundles. */
    public static long imm21b(long insn) {
        long d = ((insn >>> 13) & 0xfffff) | (((insn >>> 36) & 1) << 20);
        return d << 43 >> 43;
    }

    public static long withImm21b(long insn, long d) {
        return (insn & ~IMM21B_MASK) | ((d & 0xfffff) << 13) | (((d >>> 20) & 1) << 36);
    }

    /** Writes the displacement {@code d} (in bundles) of the IP-relative branch in {@code slot}. */
    public static void putImm21b(ByteBuffer b, int bundleAt, int slot, long d) throws FieldOverflow {
        long insn = expect(b, bundleAt, slot, "IP-relative branch (B1 br.cond or B3 br.call, imm21)", 4, 5);
        checkSigned(d, 21, "IMM21b");
        setSlot(b, bundleAt, slot, withImm21b(insn, d));
    }

    // ---- imm64 (X2 movl) and imm60 (X3/X4 brl) across slots 1 and 2 of an MLX bundle ---------------------------

    public static long imm64(ByteBuffer b, int bundleAt) {
        long s1 = slot(b, bundleAt, 1);
        long s2 = slot(b, bundleAt, 2);
        return ((s2 >>> 13) & 0x7f) | (((s2 >>> 27) & 0x1ff) << 7) | (((s2 >>> 22) & 0x1f) << 16)
                | (((s2 >>> 21) & 1) << 21) | (s1 << 22) | (((s2 >>> 36) & 1) << 63);
    }

    /** Writes the 64-bit immediate of the {@code movl} in this MLX bundle; {@code slot} is the relocation's, 1 or 2. */
    public static void putImm64(ByteBuffer b, int bundleAt, int slot, long v) throws FieldOverflow {
        long x = expectMlx(b, bundleAt, slot, "movl (X2, imm64)", 6, -1);
        long s2 = (x & ~IMM64_SLOT2_MASK) | ((v & 0x7f) << 13) | (((v >>> 7) & 0x1ff) << 27)
                | (((v >>> 16) & 0x1f) << 22) | (((v >>> 21) & 1) << 21) | ((v >>> 63) << 36);
        setSlot(b, bundleAt, 1, (v >>> 22) & SLOT_MASK);
        setSlot(b, bundleAt, 2, s2);
    }

    /** The displacement of the {@code brl} in this MLX bundle, in bundles. */
    public static long imm60(ByteBuffer b, int bundleAt) {
        long s1 = slot(b, bundleAt, 1);
        long s2 = slot(b, bundleAt, 2);
        long d = ((s2 >>> 13) & 0xfffff) | (((s1 >>> 2) & ((1L << 39) - 1)) << 20) | (((s2 >>> 36) & 1) << 59);
        return d << 4 >> 4;
    }

    /** Writes the displacement {@code d} (in bundles) of the {@code brl} in this MLX bundle. */
    public static void putImm60(ByteBuffer b, int bundleAt, int slot, long d) throws FieldOverflow {
        long x = expectMlx(b, bundleAt, slot, "brl (X3/X4, imm60)", 12, 13);
        checkSigned(d, 60, "IMM60");
        long s1 = (slot(b, bundleAt, 1) & ~IMM60_SLOT1_MASK) | (((d >>> 20) & ((1L << 39) - 1)) << 2);
        long s2 = (x & ~IMM60_SLOT2_MASK) | ((d & 0xfffff) << 13) | (((d >>> 59) & 1) << 36);
        setSlot(b, bundleAt, 1, s1);
        setSlot(b, bundleAt, 2, s2);
    }

    // ---- LDXMOV -------------------------------------------------------------------------------------------------

    /** Turns the {@code ld8 r1=[r3]} in {@code slot} into {@code add r1=r0,r3} (a move), keeping qp, r1 and r3. */
    public static void ldToMov(ByteBuffer b, int bundleAt, int slot) throws FieldOverflow {
        long insn = expect(b, bundleAt, slot, "ld8 (M1, opcode 4)", 4, -1);
        if (unit(b, bundleAt, slot) != Unit.M) {
            throw new FieldOverflow("slot " + slot + " of " + describe(b, bundleAt) + " is not an M slot; LDXMOV needs ld8");
        }
        setSlot(b, bundleAt, slot, (insn & ~LDXMOV_MASK) | LDXMOV_BITS);
    }

    /** Checks an LDXMOV target without changing it. */
    public static void checkLd(ByteBuffer b, int bundleAt, int slot) throws FieldOverflow {
        expect(b, bundleAt, slot, "ld8 (M1, opcode 4)", 4, -1);
        if (unit(b, bundleAt, slot) != Unit.M) {
            throw new FieldOverflow("slot " + slot + " of " + describe(b, bundleAt) + " is not an M slot; LDXMOV needs ld8");
        }
    }

    // ---- checks -------------------------------------------------------------------------------------------------

    /** The instruction in an M or I slot (A-unit instructions run on either), or a B slot for branches. */
    private static long expect(ByteBuffer b, int bundleAt, int slot, String what, int op1, int op2) throws FieldOverflow {
        checkSlotNumber(slot, what);
        Unit u = unit(b, bundleAt, slot);
        boolean branch = op1 == 4 && op2 == 5;
        boolean unitOk = branch ? u == Unit.B : (u == Unit.M || u == Unit.I);
        long insn = slot(b, bundleAt, slot);
        int op = opcode(insn);
        if (!unitOk || (op != op1 && op != op2)) {
            throw new FieldOverflow("slot " + slot + " of " + describe(b, bundleAt)
                    + (u == null ? " holds no instruction" : " is " + (u == Unit.I || u == Unit.M || u == Unit.F ? "an " : "a ")
                            + u + " slot holding opcode " + op)
                    + ", not the " + what + " this relocation patches");
        }
        return insn;
    }

    /** The X slot (slot 2) of an MLX bundle; relocations may name slot 1 or 2 of it, as the kernel accepts. */
    private static long expectMlx(ByteBuffer b, int bundleAt, int slot, String what, int op1, int op2) throws FieldOverflow {
        checkSlotNumber(slot, what);
        if (slot == 0) {
            throw new FieldOverflow("slot 0 cannot hold a " + what + "; it spans slots 1 and 2 of an MLX bundle"
                    + " (\"invalid slot number 0\")");
        }
        String units = units(template(b, bundleAt));
        long x = slot(b, bundleAt, 2);
        int op = opcode(x);
        if (!"MLX".equals(units) || (op != op1 && op != op2)) {
            throw new FieldOverflow("slot " + slot + " of " + describe(b, bundleAt) + " holds "
                    + ("MLX".equals(units) ? "an X-unit instruction with opcode " + op : "no long-immediate instruction")
                    + ", not the " + what + " this relocation patches");
        }
        return x;
    }

    private static void checkSlotNumber(int slot, String what) throws FieldOverflow {
        if (slot < 0 || slot > 2) {
            throw new FieldOverflow("slot number " + slot + " does not exist: a bundle has slots 0, 1 and 2 (r_offset & 0xf)");
        }
    }

    /** "an MIB bundle (template 0x11)". */
    static String describe(ByteBuffer b, int bundleAt) {
        int t = template(b, bundleAt);
        String u = units(t);
        return u == null ? String.format("a bundle with reserved template 0x%02x", t) : String.format("an %s bundle (template 0x%02x)", u, t);
    }

    static void checkSigned(long v, int bits, String name) throws FieldOverflow {
        long min = -(1L << (bits - 1));
        if (v < min || v >= -min) {
            throw new FieldOverflow("value " + v + " (" + hex(v) + ") out of " + name + " range (signed " + bits + " bits)");
        }
    }

    static String hex(long v) {
        return v < 0 ? "-0x" + Long.toHexString(-v) : "0x" + Long.toHexString(v);
    }
}
