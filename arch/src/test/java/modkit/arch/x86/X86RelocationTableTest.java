package modkit.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import modkit.arch.Arch;
import modkit.arch.ArchSections;
import modkit.arch.FieldOverflow;
import modkit.arch.RelocKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One row per relocation type: S, A, P, the field before, and the bytes after (worked by hand from the psABI
 * formulas), or the overflow message. The value comes from the kind's formula ({@link RelocKind#value}), as in
 * the linker.
 */
class X86RelocationTableTest {
    static byte[] apply(Arch arch, int type, long S, long A, long P, String before) throws FieldOverflow {
        ByteBuffer b = ByteBuffer.wrap(HexFormat.of().parseHex(before)).order(ByteOrder.LITTLE_ENDIAN);
        long addend = arch.usesRela() ? A : arch.implicitAddend(b, 0, type);
        arch.store(b, 0, type, arch.kindOf(type).value(S, addend, P, 0, ArchSections.NONE));
        return b.array();
    }

    @ParameterizedTest(name = "{0} S={1} A={2} P={3}")
    @CsvSource({
        // type, S, A, P, before, after
        "1,  ffffffffc0001000, 8,   0,                0000000000000000, 081000c0ffffffff", // R_X86_64_64: S + A
        "24, ffffffff81000000, 0,   ffffffffc0000000, 0000000000000000, 000000c1ffffffff", // PC64: S + A - P
        "2,  ffffffff81000000, -4,  ffffffffc0000010, 00000000,         ecffffc0",         // PC32
        "4,  ffffffffc0000100, -4,  ffffffffc0000010, 00000000,         ec000000",         // PLT32 = PC32
        "11, ffffffff81000100, 0,   0,                00000000,         00010081",         // 32S: sign-extends
        "10, 0000000000001000, 16,  0,                00000000,         10100000",         // 32: zero-extends
        "0,  ffffffff81000100, 0,   0,                00000000,         00000000",         // NONE writes nothing
    })
    void x86_64(int type, String S, long A, String P, String before, String after) throws FieldOverflow {
        Arch arch = new X86_64Arch();
        assertEquals(after, HexFormat.of().formatHex(apply(arch, type, Long.parseUnsignedLong(S, 16), A,
                Long.parseUnsignedLong(P, 16), before)));
    }

    @ParameterizedTest(name = "{0}: {5}")
    @CsvSource(delimiter = '|', value = {
        "11 | 0000000100000040 | 0  | 0                | 00000000 | 0x100000040 does not fit in signed 32 bits",
        "10 | ffffffff81000100 | 0  | 0                | 00000000 | 0xffffffff81000100 does not fit in unsigned 32 bits",
        "2  | ffffffff81000000 | -4 | 0000000010000000 | 00000000 | -0x8f000004 does not fit in signed 32 bits",
        "2  | ffffffff81000000 | -4 | ffffffffc0000000 | 01000000 | existing value is nonzero (relocation applied twice, or not an assembler-made RELA field)",
    })
    void x86_64Refusals(int type, String S, long A, String P, String before, String message) {
        Arch arch = new X86_64Arch();
        FieldOverflow e = assertThrows(FieldOverflow.class, () -> apply(arch, type, Long.parseUnsignedLong(S, 16), A,
                Long.parseUnsignedLong(P, 16), before));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest(name = "{0} S={1} P={2}")
    @CsvSource({
        // type, S, P, field before (holds A), after
        "1, c1000100, 0,        04000000, 040100c1", // R_386_32: S + A
        // R_386_32 of a __pa()-style value (empty_zero_page - PAGE_OFFSET as dm-mod has it, seen as 0x101e81000 by a
        // 64-bit sum): the kernel adds in 32 bits, so it wraps to 0x01e81000
        "1, 101e81000, 0,       00000000, 0010e801",
        "2, c1000100, f8000010, fcffffff, ec0000c9", // R_386_PC32: S + A - P, wraps mod 2^32
        "4, f8000100, f8000010, fcffffff, ec000000", // R_386_PLT32 = PC32, no PLT
    })
    void i386(int type, String S, String P, String before, String after) throws FieldOverflow {
        Arch arch = new I386Arch();
        assertEquals(after, HexFormat.of().formatHex(apply(arch, type, Long.parseLong(S, 16), 0, Long.parseLong(P, 16), before)));
    }

    @ParameterizedTest
    @CsvSource({"0, R_386_NONE", "3, R_386_GOT32", "9, R_386_GOTOFF", "43, R_386_GOT32X"})
    void i386RefusesWhatTheKernelRefuses(int type, String name) {
        Arch arch = new I386Arch();
        assertEquals(RelocKind.UNSUPPORTED, arch.kindOf(type));
        assertEquals(name, arch.typeName(type));
    }

    @ParameterizedTest
    @CsvSource({"9, R_X86_64_GOTPCREL", "41, R_X86_64_GOTPCRELX", "42, R_X86_64_REX_GOTPCRELX", "12, R_X86_64_16"})
    void x86_64RefusesWhatTheKernelRefuses(int type, String name) {
        Arch arch = new X86_64Arch();
        assertEquals(RelocKind.UNSUPPORTED, arch.kindOf(type));
        assertEquals(name, arch.typeName(type));
    }
}
