package modkit.arch;

import java.nio.ByteBuffer;

/** Checked stores shared by every arch: each checks the range of the value, then writes it in the buffer's order. */
public final class Fields {
    private Fields() {}

    /** Stores the low 32 bits after checking the value fits as a signed 32-bit number. */
    public static void write32s(ByteBuffer b, int at, long v) throws FieldOverflow {
        if (v != (int) v) {
            throw new FieldOverflow(hex(v) + " does not fit in signed 32 bits");
        }
        b.putInt(at, (int) v);
    }

    /** Stores the low 32 bits after checking the value fits zero-extended in 32 bits. */
    public static void write32u(ByteBuffer b, int at, long v) throws FieldOverflow {
        if (v != (v & 0xffffffffL)) {
            throw new FieldOverflow("0x" + Long.toHexString(v) + " does not fit in unsigned 32 bits");
        }
        b.putInt(at, (int) v);
    }

    /**
     * Stores the low 32 bits of a value that must fit 32 bits either signed or unsigned (ld's "bitfield"
     * overflow rule): right for absolute addresses on a 32-bit target, where -4 and 0xfffffffc are the same.
     */
    public static void write32(ByteBuffer b, int at, long v) throws FieldOverflow {
        if (v < -0x80000000L || v > 0xffffffffL) {
            throw new FieldOverflow(hex(v) + " does not fit in 32 bits");
        }
        b.putInt(at, (int) v);
    }

    public static void write64(ByteBuffer b, int at, long v) {
        b.putLong(at, v);
    }

    public static String hex(long v) {
        return v < 0 ? "-0x" + Long.toHexString(-v) : "0x" + Long.toHexString(v);
    }
}
