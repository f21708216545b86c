package modkit.arch.ia64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Random;
import modkit.arch.FieldOverflow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bundle codec against bundles assembled and disassembled with GNU binutils 2.40 (ia64-linux-gnu-as and
 * -objdump): reloc-ia64.md §10 worked examples A-F, each "after" bundle checked by objdump to show the stated
 * operand. Plus refusals: wrong slot kind, out of range.
 */
class Ia64BundleTest {
    static ByteBuffer bundle(String hex) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(hex.replace(" ", ""))).order(ByteOrder.LITTLE_ENDIAN);
    }

    static String hex(ByteBuffer b) {
        return HexFormat.ofDelimiter(" ").formatHex(b.array());
    }

    @Test
    void slotsSplitAtBits5_46_87() {
        ByteBuffer b = bundle("0b 70 00 02 00 24 e0 00 38 30 20 00 00 00 04 00"); // [MMI] addl r14=0,r1;; ld8 r14=[r14]
        assertEquals(0x12000100380L, Ia64Bundle.slot(b, 0, 0));
        assertEquals(0x080c0e00380L, Ia64Bundle.slot(b, 0, 1));
        assertEquals("MMI", Ia64Bundle.units(Ia64Bundle.template(b, 0)));
        long s2 = Ia64Bundle.slot(b, 0, 2);
        Ia64Bundle.setSlot(b, 0, 1, 0x10000e00380L);
        assertEquals(0x10000e00380L, Ia64Bundle.slot(b, 0, 1));
        assertEquals(0x12000100380L, Ia64Bundle.slot(b, 0, 0), "slot 0 untouched");
        assertEquals(s2, Ia64Bundle.slot(b, 0, 2), "slot 2 untouched");
    }

    @ParameterizedTest(name = "imm21b d={1}")
    @CsvSource({
        // A: br.call forward +0x1230 and backward -508 bundles; before = unrelocated "br.call.sptk.many b0=0"
        "11 00 00 00 01 00 00 00 00 02 00 00 08 00 00 50, 291,  11 00 00 00 01 00 00 00 00 02 00 00 38 12 00 50",
        "11 00 00 00 01 00 00 00 00 02 00 00 08 00 00 50, -508, 11 00 00 00 01 00 00 00 00 02 00 00 48 e0 ff 58",
    })
    void imm21b(String before, long d, String after) throws FieldOverflow {
        ByteBuffer b = bundle(before);
        Ia64Bundle.putImm21b(b, 0, 2, d);
        assertEquals(after, hex(b));
        assertEquals(d, Ia64Bundle.imm21b(Ia64Bundle.slot(b, 0, 2)));
    }

    @Test
    void imm22AndLdxmov() throws FieldOverflow {
        // B: addl r14=@ltoffx(var),gp;; ld8.mov r14=[r14]  ->  addl r14=-4664,r1;; add r14=r0,r14
        ByteBuffer b = bundle("0b 70 00 02 00 24 e0 00 38 30 20 00 00 00 04 00");
        Ia64Bundle.putImm22(b, 0, 0, -4664);
        Ia64Bundle.ldToMov(b, 0, 1);
        assertEquals("0b 70 20 fb db 27 e0 00 38 00 40 00 00 00 04 00", hex(b));
        assertEquals(-4664, Ia64Bundle.imm22(Ia64Bundle.slot(b, 0, 0)));
        // B, through the GOT: addl r14=2031624,r1;; ld8 r14=[r14]
        ByteBuffer g = bundle("0b 70 00 02 00 24 e0 00 38 30 20 00 00 00 04 00");
        Ia64Bundle.putImm22(g, 0, 0, 0x1f0008);
        assertEquals("0b 70 20 fa 00 24 e0 00 38 30 20 00 00 00 04 00", hex(g));
        // C: addl r2=@gprel(var),gp; addl r3=@ltoff(var2),gp  ->  addl r2=4656,r1; addl r3=24,r1
        ByteBuffer c = bundle("09 10 00 02 00 24 30 00 04 00 48 80 00 28 00 84");
        Ia64Bundle.putImm22(c, 0, 0, 4656);
        Ia64Bundle.putImm22(c, 0, 1, 24);
        assertEquals("09 10 c0 02 24 24 30 c0 04 00 48 80 00 28 00 84", hex(c));
    }

    @Test
    void imm64AcrossSlots1And2() throws FieldOverflow {
        // D: movl r15=sym+0x10 -> movl r15=0xa000000200123460 (relocation at slot 1)
        ByteBuffer b = bundle("05 00 00 00 01 00 00 00 00 00 00 e0 01 00 00 60");
        Ia64Bundle.putImm64(b, 0, 1, 0xa000000200123460L);
        assertEquals("05 00 00 00 01 00 00 02 00 00 20 e0 01 46 a2 69", hex(b));
        assertEquals(0xa000000200123460L, Ia64Bundle.imm64(b, 0));
        // F: the brl PLT stub's first bundle: movl gp=0xa000000101234000
        ByteBuffer f = bundle("04 00 00 00 01 00 00 00 00 00 00 20 00 00 00 60");
        Ia64Bundle.putImm64(f, 0, 2, 0xa000000101234000L);
        assertEquals("04 00 00 00 01 00 01 01 00 00 20 20 00 70 00 6a", hex(f));
    }

    @Test
    void imm60AcrossSlots1And2() throws FieldOverflow {
        // E: brl.sptk.many at T+0x30 to 0xa000000100456780; F: the stub's brl at T+0x810 to the same target
        ByteBuffer e = bundle("05 00 00 00 01 00 00 00 00 00 00 00 08 00 00 c0");
        long d = (0xa000000100456780L - 0xa000000200010030L) >> 4;
        Ia64Bundle.putImm60(e, 0, 1, d);
        assertEquals("05 00 00 00 01 00 00 ff ff ff 7f 00 58 67 44 c8", hex(e));
        assertEquals(d, Ia64Bundle.imm60(e, 0));
        ByteBuffer f = bundle("05 00 00 00 01 00 00 00 00 00 00 00 08 00 00 c0");
        Ia64Bundle.putImm60(f, 0, 2, (0xa000000100456780L - 0xa000000200010810L) >> 4);
        assertEquals("05 00 00 00 01 00 00 ff ff ff 7f 00 78 5f 44 c8", hex(f));
    }

    @Test
    void imm14RoundTripsInAnAdds() throws FieldOverflow {
        ByteBuffer c = bundle("09 10 00 02 00 24 30 00 04 00 48 80 00 28 00 84"); // slot 2: adds r4=0,r5
        for (long v : new long[] {0, 1, -1, 8191, -8192, 0x1555}) {
            Ia64Bundle.putImm14(c, 0, 2, v);
            assertEquals(v, Ia64Bundle.imm14(Ia64Bundle.slot(c, 0, 2)));
        }
        assertEquals("value 8192 (0x2000) out of IMM14 range (signed 14 bits)",
                assertThrows(FieldOverflow.class, () -> Ia64Bundle.putImm14(c, 0, 2, 8192)).getMessage());
    }

    @Test
    void everyFieldRoundTripsRandomValues() throws FieldOverflow {
        Random r = new Random(64);
        ByteBuffer addl = bundle("09 10 00 02 00 24 30 00 04 00 48 80 00 28 00 84");
        ByteBuffer br = bundle("11 00 00 00 01 00 00 00 00 02 00 00 08 00 00 50");
        ByteBuffer movl = bundle("05 00 00 00 01 00 00 00 00 00 00 e0 01 00 00 60");
        ByteBuffer brl = bundle("05 00 00 00 01 00 00 00 00 00 00 00 08 00 00 c0");
        for (int i = 0; i < 2000; i++) {
            long v22 = (r.nextLong() << 42) >> 42;
            Ia64Bundle.putImm22(addl, 0, 1, v22);
            assertEquals(v22, Ia64Bundle.imm22(Ia64Bundle.slot(addl, 0, 1)));
            long d21 = (r.nextLong() << 43) >> 43;
            Ia64Bundle.putImm21b(br, 0, 2, d21);
            assertEquals(d21, Ia64Bundle.imm21b(Ia64Bundle.slot(br, 0, 2)));
            long v64 = r.nextLong();
            Ia64Bundle.putImm64(movl, 0, 1, v64);
            assertEquals(v64, Ia64Bundle.imm64(movl, 0));
            long d60 = (r.nextLong() << 4) >> 4;
            Ia64Bundle.putImm60(brl, 0, 1, d60);
            assertEquals(d60, Ia64Bundle.imm60(brl, 0));
        }
        assertEquals(0x0c0000003c0L & ~Ia64Bundle.IMM64_SLOT2_MASK, Ia64Bundle.slot(movl, 0, 2) & ~Ia64Bundle.IMM64_SLOT2_MASK,
                "opcode, qp and r1 of the movl survive");
    }

    @ParameterizedTest(name = "{4}")
    @CsvSource(delimiter = '|', value = {
        "11 00 00 00 01 00 00 00 00 02 00 00 08 00 00 50 | imm22  | 2 | 0 | slot 2 of an MIB bundle (template 0x11) is a B slot holding opcode 5, not the addl (A5, imm22) this relocation patches",
        "09 10 00 02 00 24 30 00 04 00 48 80 00 28 00 84 | imm21b | 0 | 0 | slot 0 of an MMI bundle (template 0x09) is an M slot holding opcode 9, not the IP-relative branch (B1 br.cond or B3 br.call, imm21) this relocation patches",
        "09 10 00 02 00 24 30 00 04 00 48 80 00 28 00 84 | imm64  | 1 | 0 | slot 1 of an MMI bundle (template 0x09) holds no long-immediate instruction, not the movl (X2, imm64) this relocation patches",
        "05 00 00 00 01 00 00 00 00 00 00 e0 01 00 00 60 | imm64  | 0 | 0 | slot 0 cannot hold a movl (X2, imm64); it spans slots 1 and 2 of an MLX bundle (\"invalid slot number 0\")",
        "05 00 00 00 01 00 00 00 00 00 00 e0 01 00 00 60 | imm60  | 1 | 0 | slot 1 of an MLX bundle (template 0x05) holds an X-unit instruction with opcode 6, not the brl (X3/X4, imm60) this relocation patches",
        "09 10 00 02 00 24 30 00 04 00 48 80 00 28 00 84 | imm22  | 3 | 0 | slot number 3 does not exist: a bundle has slots 0, 1 and 2 (r_offset & 0xf)",
        "09 10 00 02 00 24 30 00 04 00 48 80 00 28 00 84 | imm22  | 0 | 2097152 | value 2097152 (0x200000) out of IMM22 range (signed 22 bits)",
        "09 10 00 02 00 24 30 00 04 00 48 80 00 28 00 84 | imm22  | 0 | -2097153 | value -2097153 (-0x200001) out of IMM22 range (signed 22 bits)",
        "11 00 00 00 01 00 00 00 00 02 00 00 08 00 00 50 | imm21b | 2 | 1048576 | value 1048576 (0x100000) out of IMM21b range (signed 21 bits)",
        "06 00 00 00 01 00 00 00 00 02 00 00 08 00 00 50 | imm22  | 0 | 0 | slot 0 of a bundle with reserved template 0x06 holds no instruction, not the addl (A5, imm22) this relocation patches",
        "09 10 00 02 00 24 30 00 04 00 48 80 00 28 00 84 | ldxmov | 2 | 0 | slot 2 of an MMI bundle (template 0x09) is an I slot holding opcode 8, not the ld8 (M1, opcode 4) this relocation patches",
    })
    void refusals(String before, String field, int slot, long v, String message) {
        ByteBuffer b = bundle(before);
        String untouched = hex(b);
        FieldOverflow e = assertThrows(FieldOverflow.class, () -> {
            switch (field) {
                case "imm22" -> Ia64Bundle.putImm22(b, 0, slot, v);
                case "imm21b" -> Ia64Bundle.putImm21b(b, 0, slot, v);
                case "imm64" -> Ia64Bundle.putImm64(b, 0, slot, v);
                case "imm60" -> Ia64Bundle.putImm60(b, 0, slot, v);
                case "ldxmov" -> Ia64Bundle.ldToMov(b, 0, slot);
                default -> throw new AssertionError(field);
            }
        });
        assertEquals(message, e.getMessage());
        assertEquals(untouched, hex(b), "a refused store leaves the bundle as it was");
    }
}
