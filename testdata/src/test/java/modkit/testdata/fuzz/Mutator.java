package modkit.testdata.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Makes hostile inputs from good ones: byte flips, interesting values, inserts, deletions, truncations, splices
 * with another seed, and (for ELF files) writes of boundary values into the ELF header, the section header table
 * and the symbol table, where a parser's offsets, sizes and indexes come from. Text inputs also get keyword and
 * separator insertions. One to four edits per input, all from a seeded {@link Random} so a run can be repeated.
 */
public final class Mutator {
    private static final long[] INTERESTING = {0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256,
        0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffffL, 0x80000000L, 0xffffffffL, 0x100000000L, -1, -2,
        Long.MAX_VALUE, Long.MIN_VALUE, 0xfffffff0L, 4095, 4096};

    private final Random rnd;
    private final List<byte[]> seeds;
    private final List<String> tokens;

    public Mutator(Random rnd, List<byte[]> seeds, List<String> tokens) {
        this.rnd = rnd;
        this.seeds = seeds;
        this.tokens = tokens;
    }

    public byte[] mutate(byte[] seed) {
        byte[] b = seed;
        int edits = 1 + rnd.nextInt(4);
        for (int i = 0; i < edits; i++) {
            b = edit(b);
        }
        return b;
    }

    private byte[] edit(byte[] b) {
        int op = rnd.nextInt(b.length >= 64 && isElf(b) ? 14 : 10);
        if (b.length == 0 && op < 9) {
            op = 4;
        }
        return switch (op) {
            case 0, 1 -> flipBit(b);
            case 2 -> setByte(b);
            case 3 -> setInteresting(b, rnd.nextInt(b.length));
            case 4 -> insert(b);
            case 5 -> delete(b);
            case 6 -> Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            case 7 -> duplicate(b);
            case 8 -> splice(b);
            case 9 -> tokens.isEmpty() ? flipBit(b) : insertToken(b);
            case 10, 11 -> sectionHeaderField(b);
            case 12 -> setInteresting(b, rnd.nextInt(Math.min(b.length, 64)));
            default -> symbolField(b);
        };
    }

    static boolean isElf(byte[] b) {
        return b.length >= 64 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F';
    }

    private byte[] flipBit(byte[] b) {
        if (b.length == 0) {
            return b;
        }
        byte[] c = b.clone();
        c[rnd.nextInt(c.length)] ^= (byte) (1 << rnd.nextInt(8));
        return c;
    }

    private byte[] setByte(byte[] b) {
        byte[] c = b.clone();
        c[rnd.nextInt(c.length)] = (byte) rnd.nextInt(256);
        return c;
    }

    /** A boundary value of 1, 2, 4 or 8 bytes at {@code at}, in either byte order. */
    private byte[] setInteresting(byte[] b, int at) {
        byte[] c = b.clone();
        int width = 1 << rnd.nextInt(4);
        long v = INTERESTING[rnd.nextInt(INTERESTING.length)];
        if (rnd.nextInt(4) == 0) {
            v += rnd.nextInt(33) - 16;
        }
        writeField(c, at, width, v, rnd.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        return c;
    }

    private static void writeField(byte[] c, int at, int width, long v, ByteOrder order) {
        for (int i = 0; i < width && at + i < c.length && at + i >= 0; i++) {
            int shift = order == ByteOrder.LITTLE_ENDIAN ? 8 * i : 8 * (width - 1 - i);
            c[at + i] = (byte) (v >>> shift);
        }
    }

    private byte[] insert(byte[] b) {
        int at = rnd.nextInt(b.length + 1);
        byte[] add = new byte[1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 64)];
        if (rnd.nextBoolean()) {
            rnd.nextBytes(add);
        }
        return join(Arrays.copyOf(b, at), add, Arrays.copyOfRange(b, at, b.length));
    }

    private byte[] delete(byte[] b) {
        int at = rnd.nextInt(b.length);
        int n = 1 + rnd.nextInt(Math.min(b.length - at, rnd.nextBoolean() ? 8 : 512));
        return join(Arrays.copyOf(b, at), Arrays.copyOfRange(b, at + n, b.length));
    }

    private byte[] duplicate(byte[] b) {
        int from = rnd.nextInt(b.length);
        int n = 1 + rnd.nextInt(Math.min(b.length - from, 256));
        int to = rnd.nextInt(b.length + 1);
        return join(Arrays.copyOf(b, to), Arrays.copyOfRange(b, from, from + n), Arrays.copyOfRange(b, to, b.length));
    }

    /** The head of this input and the tail of another seed. */
    private byte[] splice(byte[] b) {
        byte[] other = seeds.get(rnd.nextInt(seeds.size()));
        int cut = rnd.nextInt(b.length + 1);
        int from = other.length == 0 ? 0 : rnd.nextInt(other.length);
        return join(Arrays.copyOf(b, cut), Arrays.copyOfRange(other, from, other.length));
    }

    private byte[] insertToken(byte[] b) {
        byte[] t = tokens.get(rnd.nextInt(tokens.size())).getBytes(StandardCharsets.ISO_8859_1);
        int at = rnd.nextInt(b.length + 1);
        if (rnd.nextInt(3) == 0) { // at a line start, where keywords matter
            while (at > 0 && b[at - 1] != '\n') {
                at--;
            }
        }
        return join(Arrays.copyOf(b, at), t, Arrays.copyOfRange(b, at, b.length));
    }

    /** A boundary value into one field of one section header (type, flags, offset, size, link, info, entsize...). */
    private byte[] sectionHeaderField(byte[] b) {
        Elf e = Elf.of(b);
        if (e == null || e.shnum == 0) {
            return setInteresting(b, rnd.nextInt(Math.min(b.length, 64)));
        }
        int sec = rnd.nextInt(e.shnum);
        long at = e.shoff + (long) sec * e.shentsize + rnd.nextInt(e.shentsize);
        if (at >= b.length) {
            return setInteresting(b, rnd.nextInt(Math.min(b.length, 64)));
        }
        int width = e.wide ? 8 : 4;
        at -= (at - e.shoff) % 4; // fields start on 4-byte boundaries
        byte[] c = b.clone();
        long v = rnd.nextInt(3) == 0 ? rnd.nextInt(e.shnum + 2) : INTERESTING[rnd.nextInt(INTERESTING.length)];
        writeField(c, (int) at, rnd.nextBoolean() ? 4 : width, v, e.order);
        return c;
    }

    /** A boundary value into one field of one symbol of .symtab (name, value, size, info, shndx). */
    private byte[] symbolField(byte[] b) {
        Elf e = Elf.of(b);
        if (e == null) {
            return flipBit(b);
        }
        long[] symtab = e.section(b, 2);
        if (symtab == null || symtab[1] == 0) {
            return sectionHeaderField(b);
        }
        int entsize = e.wide ? 24 : 16;
        long count = symtab[1] / entsize;
        long at = symtab[0] + rnd.nextLong(Math.max(1, count)) * entsize + rnd.nextInt(entsize);
        if (at < 0 || at >= b.length) {
            return flipBit(b);
        }
        return setInteresting(b, (int) at);
    }

    /** Just enough of an ELF header to find the section headers. */
    private record Elf(boolean wide, ByteOrder order, long shoff, int shentsize, int shnum) {
        static Elf of(byte[] b) {
            if (!isElf(b)) {
                return null;
            }
            boolean wide = b[4] == 2;
            ByteOrder order = b[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            ByteBuffer h = ByteBuffer.wrap(b).order(order);
            long shoff = wide ? h.getLong(0x28) : h.getInt(0x20) & 0xffffffffL;
            int shentsize = h.getShort(wide ? 0x3a : 0x2e) & 0xffff;
            int shnum = h.getShort(wide ? 0x3c : 0x30) & 0xffff;
            if (shoff <= 0 || shoff >= b.length || shentsize < 16 || shentsize > 128) {
                return null;
            }
            return new Elf(wide, order, shoff, shentsize, shnum);
        }

        /** {offset, size} of the first section of {@code type}, or null. */
        long[] section(byte[] b, int type) {
            ByteBuffer h = ByteBuffer.wrap(b).order(order);
            for (int i = 0; i < shnum; i++) {
                long at = shoff + (long) i * shentsize;
                if (at + shentsize > b.length) {
                    return null;
                }
                if (h.getInt((int) at + 4) == type) {
                    return wide ? new long[] {h.getLong((int) at + 0x18), h.getLong((int) at + 0x20)}
                            : new long[] {h.getInt((int) at + 0x10) & 0xffffffffL, h.getInt((int) at + 0x14) & 0xffffffffL};
                }
            }
            return null;
        }
    }

    private static byte[] join(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
