package modkit.arch.m68k;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import modkit.arch.Arch;
import modkit.arch.ArchTraits;
import modkit.arch.ArchTraits.Area;
import modkit.arch.FinalizePatch;
import modkit.arch.FieldOverflow;
import modkit.arch.RelocKind;

/**
 * m68k modules: RELA, big-endian, 32-bit. The 6.1 kernel ({@code arch/m68k/kernel/module.c},
 * {@code apply_relocate_add}) accepts exactly two types and overwrites the field with the value:
 *
 * <pre>
 *   R_68K_32    S + A
 *   R_68K_PC32  S + A - P
 * </pre>
 *
 * Everything else is "Unknown relocation", R_68K_NONE included. 2.4 modutils ({@code obj_m68k.c}) also took
 * NONE, 8, 16, PC8, PC16 and RELATIVE; a module that needs them was built for a different loader, so the refusal
 * says which (see {@link #whyUnsupported}).
 *
 * <p>The address space is 32 bits: modules sit in vmalloc space far above a kernel linked at 0x1000, so a
 * PC32 displacement is right modulo 2^32 whatever its sign, and is stored wrapped as the CPU adds it. An
 * absolute value past 32 bits is stored truncated, as the kernel stores it, without a check. Fields are usually
 * only 2-byte aligned (instruction extension words, {@code lea foo(%pc)} has
 * A = 2); 68020 and later store them fine. Reference: reloc-m68k.md §2; numbers from {@code asm/elf.h} (0-22) and binutils {@code elf/m68k.h} (23-42).
 */
public final class M68kArch implements Arch {
    public static final int R_68K_NONE = 0;
    public static final int R_68K_32 = 1;
    public static final int R_68K_16 = 2;
    public static final int R_68K_8 = 3;
    public static final int R_68K_PC32 = 4;
    public static final int R_68K_PC16 = 5;
    public static final int R_68K_PC8 = 6;
    public static final int R_68K_RELATIVE = 22;

    private static final String[] NAMES = {
        "NONE", "32", "16", "8", "PC32", "PC16", "PC8", "GOT32", "GOT16", "GOT8", "GOT32O", "GOT16O", "GOT8O", "PLT32",
        "PLT16", "PLT8", "PLT32O", "PLT16O", "PLT8O", "COPY", "GLOB_DAT", "JMP_SLOT", "RELATIVE", "GNU_VTINHERIT",
        "GNU_VTENTRY", "TLS_GD32", "TLS_GD16", "TLS_GD8", "TLS_LDM32", "TLS_LDM16", "TLS_LDM8", "TLS_LDO32", "TLS_LDO16",
        "TLS_LDO8", "TLS_IE32", "TLS_IE16", "TLS_IE8", "TLS_LE32", "TLS_LE16", "TLS_LE8", "TLS_DTPMOD32", "TLS_DTPREL32",
        "TLS_TPREL32"
    };

    public static final int EM_68K = 4;

    /**
     * Motorola MMU (not Sun-3, not ColdFire): module_alloc takes vmalloc space, from high_memory rounded up past an
     * 8 MiB gap to KMAP_START (asm/pgtable_mm.h). PAGE_OFFSET is 0, so with 128 MiB of RAM (QEMU virt's default)
     * that is 0x08800000..0xd0000000.
     */
    private static final ArchTraits TRAITS = new ArchTraits("m68k", List.of(EM_68K), false, ByteOrder.BIG_ENDIAN, true,
            4, 4096, new Area(0x08800000L, 0xd0000000L), Optional.empty(), false, false, "CONFIG_M68K", List.of("m68k"),
            List.of("CONFIG_PAGE_SIZE_4KB", "CONFIG_PAGE_SIZE_8KB", "CONFIG_SUN3"));

    @Override
    public ArchTraits traits() {
        return TRAITS;
    }

    /** Sun-3 MMUs have 8 KiB pages; so does a kernel built with PAGE_SIZE_8KB (ColdFire). */
    @Override
    public int pageSize(Predicate<String> config) {
        return config.test("CONFIG_SUN3") || config.test("CONFIG_PAGE_SIZE_8KB") ? 8192 : 4096;
    }

    /** m68k_cputype is defined by arch/m68k/kernel/setup_mm.c, by no other architecture. */
    @Override
    public boolean recognizes(Map<String, Long> systemMap) {
        return systemMap.containsKey("m68k_cputype");
    }

    @Override
    public String typeName(int type) {
        return type >= 0 && type < NAMES.length ? "R_68K_" + NAMES[type] : "relocation type " + Integer.toUnsignedString(type);
    }

    @Override
    public RelocKind kindOf(int type) {
        return switch (type) {
            case R_68K_32 -> RelocKind.ABS; // S + A
            case R_68K_PC32 -> RelocKind.PC; // S + A - P
            default -> RelocKind.UNSUPPORTED;
        };
    }

    @Override
    public int fieldSize(int type) {
        return 4;
    }

    @Override
    public void store(ByteBuffer b, int at, int type, long v) throws FieldOverflow {
        switch (type) {
            case R_68K_32 -> b.putInt(at, (int) v); // apply_relocate_add stores S + A in 32 bits, unchecked
            case R_68K_PC32 -> b.putInt(at, (int) v); // wraps, like the CPU's PC + d32
            default -> throw new IllegalStateException("store of unchecked type " + typeName(type));
        }
    }

    /** The types 2.4 modutils applied and the 6.x kernel refuses; the message names the loader that differs. */
    @Override
    public String whyUnsupported(int type) {
        return switch (type) {
            case R_68K_NONE, R_68K_8, R_68K_16, R_68K_PC8, R_68K_PC16, R_68K_RELATIVE ->
                "the m68k kernel loader does not accept it (2.4 modutils did; modkit follows the kernel)";
            default -> Arch.super.whyUnsupported(type);
        };
    }

    @Override
    public String unsupportedHint(int type) {
        return "the m68k kernel applies only R_68K_32 and R_68K_PC32: build with the kernel's flags (no -fpic, no 16-bit or 8-bit references to symbols)";
    }

    @Override
    public String overflowHint(int type) {
        return "an absolute address must fit 32 bits: is the addend sensible?";
    }

    /** {@code enum m68k_fixup_type} of {@code asm/module.h}. */
    static final int M68K_FIXUP_MEMOFFSET = 0;

    static final int M68K_FIXUP_VNODE_SHIFT = 1;

    /**
     * {@code module_fixup}: {@code .m68k_fixup} (bracketed by {@code __start_fixup}/{@code __stop_fixup} in the
     * module linker script) is an array of {@code struct m68k_fixup_info { u32 type; void *addr; }}, whose
     * {@code addr} a R_68K_32 has just filled. The kernel then stores {@code m68k_memoffset} (the physical
     * address of PAGE_OFFSET) into the immediate of each {@code addl #0}/{@code subl #0} that {@code __pa}/{@code
     * __va} left, and adds {@code m68k_virt_to_node_shift} to a 16-bit word; other types it skips. A trailing
     * partial entry is not an entry.
     */
    @Override
    public List<FinalizePatch> finalizePatches(FinalizePatch.Image image) {
        ByteBuffer b = image.section(".m68k_fixup");
        if (b == null) {
            return List.of();
        }
        List<FinalizePatch> out = new ArrayList<>();
        for (int at = 0; at + 8 <= b.limit(); at += 8) {
            int type = b.getInt(at);
            long addr = Integer.toUnsignedLong(b.getInt(at + 4));
            out.add(switch (type) {
                case M68K_FIXUP_MEMOFFSET -> new FinalizePatch(addr, 4, "m68k_fixup_memoffset: store m68k_memoffset (32 bits)");
                case M68K_FIXUP_VNODE_SHIFT -> new FinalizePatch(addr, 2, "m68k_fixup_vnode_shift: add m68k_virt_to_node_shift (16 bits)");
                default -> new FinalizePatch(addr, 0, "fixup type " + Integer.toUnsignedString(type) + ": ignored by the kernel");
            });
        }
        return out;
    }
}
