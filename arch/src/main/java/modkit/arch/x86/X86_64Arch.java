package modkit.arch.x86;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import modkit.arch.Arch;
import modkit.arch.ArchTraits;
import modkit.arch.ArchTraits.Area;
import modkit.arch.FieldOverflow;
import modkit.arch.Fields;
import modkit.arch.RelocKind;

/**
 * x86-64 modules: RELA, little-endian, built with {@code -mcmodel=kernel} and placed in the module area just
 * above the kernel image, so every call and data reference reaches its target with a 32-bit displacement.
 * The kernel ({@code arch/x86/kernel/module.c}, {@code apply_relocate_add}) accepts seven types and builds no
 * PLT or GOT: PLT32 is plain S + A - P.
 *
 * <p>Two rules of that loader are kept here. A field must be zero before it is written (it catches a relocation
 * applied twice). 32 and 32S are range-checked; PC32, PLT32 are not checked by the kernel (the check sits under
 * {@code #if 0}) and we check them anyway, because a wrong displacement would be silent.
 * Reference: System V AMD64 psABI, table "Relocation Types"; reloc-x86.md §3.
 */
public final class X86_64Arch implements Arch {
    public static final int R_X86_64_NONE = 0;
    public static final int R_X86_64_64 = 1;
    public static final int R_X86_64_PC32 = 2;
    public static final int R_X86_64_GOT32 = 3;
    public static final int R_X86_64_PLT32 = 4;
    public static final int R_X86_64_GOTPCREL = 9;
    public static final int R_X86_64_32 = 10;
    public static final int R_X86_64_32S = 11;
    public static final int R_X86_64_PC64 = 24;
    public static final int R_X86_64_GOTPCRELX = 41;
    public static final int R_X86_64_REX_GOTPCRELX = 42;

    private static final String[] NAMES = new String[43];

    static {
        String[] n = {
            "NONE", "64", "PC32", "GOT32", "PLT32", "COPY", "GLOB_DAT", "JUMP_SLOT", "RELATIVE", "GOTPCREL", "32",
            "32S", "16", "PC16", "8", "PC8", "DTPMOD64", "DTPOFF64", "TPOFF64", "TLSGD", "TLSLD", "DTPOFF32",
            "GOTTPOFF", "TPOFF32", "PC64", "GOTOFF64", "GOTPC32", "GOT64", "GOTPCREL64", "GOTPC64", "GOTPLT64",
            "PLTOFF64", "SIZE32", "SIZE64", "GOTPC32_TLSDESC", "TLSDESC_CALL", "TLSDESC", "IRELATIVE", "RELATIVE64",
            "PC32_BND", "PLT32_BND", "GOTPCRELX", "REX_GOTPCRELX"
        };
        for (int i = 0; i < n.length; i++) {
            NAMES[i] = "R_X86_64_" + n[i];
        }
    }

    /** {@code EM_X86_64}. */
    public static final int EM_X86_64 = 62;

    /**
     * The module area is MODULES_VADDR = __START_KERNEL_map + KERNEL_IMAGE_SIZE (1 GiB with KASLR) to MODULES_END;
     * kmalloc memory is modelled in the direct map (page_offset_base 0xffff888000000000, past the first 4 GiB).
     */
    private static final ArchTraits TRAITS = new ArchTraits("x86_64", List.of(EM_X86_64), true, ByteOrder.LITTLE_ENDIAN,
            true, 8, 4096, new Area(0xffffffffc0000000L, 0xffffffffff000000L),
            Optional.of(new Area(0xffff888100000000L, 0xffff888200000000L)), true, true, "CONFIG_X86_64",
            List.of("x86_64", "amd64"), List.of());

    @Override
    public ArchTraits traits() {
        return TRAITS;
    }

    @Override
    public String typeName(int type) {
        return type >= 0 && type < NAMES.length ? NAMES[type] : "relocation type " + Integer.toUnsignedString(type);
    }

    @Override
    public RelocKind kindOf(int type) {
        return switch (type) {
            case R_X86_64_NONE -> RelocKind.NONE;
            case R_X86_64_64, R_X86_64_32, R_X86_64_32S -> RelocKind.ABS; // S + A
            case R_X86_64_PC32, R_X86_64_PLT32, R_X86_64_PC64 -> RelocKind.PC; // S + A - P
            default -> RelocKind.UNSUPPORTED;
        };
    }

    @Override
    public int fieldSize(int type) {
        return switch (type) {
            case R_X86_64_NONE -> 0;
            case R_X86_64_64, R_X86_64_PC64 -> 8;
            default -> 4;
        };
    }

    @Override
    public void store(ByteBuffer b, int at, int type, long v) throws FieldOverflow {
        int size = fieldSize(type);
        long existing = size == 8 ? b.getLong(at) : size == 4 ? b.getInt(at) : 0;
        if (existing != 0) {
            throw new FieldOverflow("existing value is nonzero (relocation applied twice, or not an assembler-made RELA field)");
        }
        switch (type) {
            case R_X86_64_NONE -> {}
            case R_X86_64_64, R_X86_64_PC64 -> Fields.write64(b, at, v);
            case R_X86_64_32 -> Fields.write32u(b, at, v);
            case R_X86_64_32S, R_X86_64_PC32, R_X86_64_PLT32 -> Fields.write32s(b, at, v);
            default -> throw new IllegalStateException("store of unchecked type " + typeName(type));
        }
    }

    @Override
    public boolean mayStayUndefined(String name) {
        return name.equals("_GLOBAL_OFFSET_TABLE_");
    }

    /** The kernel image is linked at -2 GiB (__START_KERNEL_map); no other arch puts _text in the top 4 GiB. */
    @Override
    public boolean recognizes(Map<String, Long> systemMap) {
        Long text = systemMap.get("_text");
        return text != null && Long.compareUnsigned(text, 0xffffffff00000000L) >= 0;
    }

    /** An SMP kernel's per-cpu symbols count from 0 (__per_cpu_start), as offsets into each CPU's copy. */
    @Override
    public boolean percpuReserve(Map<String, Long> systemMap) {
        return Long.valueOf(0).equals(systemMap.get("__per_cpu_start"));
    }
}
