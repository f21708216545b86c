package modkit.arch.m68k;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import modkit.arch.ArchSections;
import modkit.arch.FieldOverflow;
import modkit.arch.FinalizePatch;
import modkit.arch.RelocKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One row per accepted type: S, A, P, the field before, and the big-endian bytes after (worked by hand from
 * S + A and S + A - P) and computed by the linker's own formula ({@link RelocKind#value}), or the overflow
 * message; then the types the 6.1 kernel refuses, by name.
 */
class M68kRelocationTableTest {
    private final M68kArch arch = new M68kArch();

    private byte[] apply(int type, long S, long A, long P, String before) throws FieldOverflow {
        ByteBuffer b = ByteBuffer.wrap(HexFormat.of().parseHex(before)).order(arch.order());
        arch.store(b, 0, type, arch.kindOf(type).value(S, A, P, 0, ArchSections.NONE));
        return b.array();
    }

    @ParameterizedTest(name = "{0} S={1} A={2} P={3}")
    @CsvSource({
        // type, S, A, P, before, after
        "1, 00100100, 8,         0,        00000000, 00100108", // R_68K_32: S + A, most significant byte first
        "1, 00100100, 8,         0,        ffffffff, 00100108", // RELA stores, it does not add the old field
        "1, 00100100, -2097152,  0,        00000000, fff00100", // S + A = -0xfff00: fits as a signed 32-bit value
        "1, fffffff0, 15,        0,        00000000, ffffffff", // top of the address space
        "4, 00100200, 0,         0880003c, 00000000, f79001c4", // R_68K_PC32 bsr.l: module far above the kernel, wraps
        "4, 00200040, 2,         0880004a, 00000000, f79ffff8", // lea d32(%pc): A = 2, P is the extension word
        "4, 08801000, 0,         08800000, 12345678, 00001000", // forward, into another region; overwrites
        "4, 00001000, 0,         cffff000, 00000000, 30002000", // S - P below -2^31: still right modulo 2^32
        // S + A beyond 32 bits: the kernel stores it truncated, without a check (reloc-m68k.md), and so does modkit
        "1, fff00000, 2097152,   0,        00000000, 00100000",
        "1, d0000000, 2147483647, 0,       00000000, 4fffffff",
    })
    void accepted(int type, String S, long A, String P, String before, String after) throws FieldOverflow {
        assertEquals(after, HexFormat.of().formatHex(apply(type, Long.parseLong(S, 16), A, Long.parseLong(P, 16), before)));
    }

    /** Types 2.4 modutils applied: the refusal says the kernel is the model. */
    @ParameterizedTest
    @CsvSource({"0, R_68K_NONE", "2, R_68K_16", "3, R_68K_8", "5, R_68K_PC16", "6, R_68K_PC8", "22, R_68K_RELATIVE"})
    void refusesWhatOnlyModutilsTook(int type, String name) {
        assertEquals(RelocKind.UNSUPPORTED, arch.kindOf(type));
        assertEquals(name, arch.typeName(type));
        assertEquals("the m68k kernel loader does not accept it (2.4 modutils did; modkit follows the kernel)",
                arch.whyUnsupported(type));
    }

    @ParameterizedTest
    @CsvSource({"7, R_68K_GOT32", "10, R_68K_GOT32O", "13, R_68K_PLT32", "20, R_68K_GLOB_DAT", "21, R_68K_JMP_SLOT",
        "42, R_68K_TLS_TPREL32", "43, relocation type 43"})
    void refusesWhatNoLoaderTook(int type, String name) {
        assertEquals(RelocKind.UNSUPPORTED, arch.kindOf(type));
        assertEquals(name, arch.typeName(type));
        assertEquals("the m68k kernel loader does not accept it", arch.whyUnsupported(type));
    }

    @Test
    void fixupTableBecomesPatchesInOrder() {
        ByteBuffer b = ByteBuffer.wrap(HexFormat.of().parseHex(
                "00000000" + "08800064" // memoffset, 32-bit store
                + "00000001" + "0880006e" // vnode_shift, 16-bit add
                + "00000007" + "08800000" // unknown: skipped by the kernel
                + "000000")) // a partial entry is not an entry
                .order(arch.order());
        List<FinalizePatch> patches = arch.finalizePatches(name -> name.equals(".m68k_fixup") ? b : null);
        assertEquals(List.of(
                new FinalizePatch(0x08800064L, 4, "m68k_fixup_memoffset: store m68k_memoffset (32 bits)"),
                new FinalizePatch(0x0880006eL, 2, "m68k_fixup_vnode_shift: add m68k_virt_to_node_shift (16 bits)"),
                new FinalizePatch(0x08800000L, 0, "fixup type 7: ignored by the kernel")), patches);
        assertTrue(arch.finalizePatches(name -> null).isEmpty(), "no .m68k_fixup, no patches");
    }
}
