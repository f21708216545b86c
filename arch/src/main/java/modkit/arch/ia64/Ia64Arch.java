package modkit.arch.ia64;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import modkit.arch.Arch;
import modkit.arch.ArchSections;
import modkit.arch.ArchTraits;
import modkit.arch.ArchTraits.Area;
import modkit.arch.KernelDescriptors;
import modkit.arch.FieldOverflow;
import modkit.arch.Fields;
import modkit.arch.RelocKind;
import modkit.elf.ObjectFile;

/**
 * ia64 (Itanium) modules: ELF64, little-endian, RELA. What makes them unlike every other arch:
 *
 * <ul>
 *   <li>Instructions come in 16-byte bundles of three 41-bit slots, and immediates are scattered through a slot
 *       ({@link Ia64Bundle}). A relocation names bundle + slot; branch displacements count bundles and are taken
 *       from the bundle address B, not from P.
 *   <li>Code reaches data through a global pointer (gp, r1) with 22-bit offsets, and through a linkage table (GOT)
 *       for anything farther. The module's gp is chosen by the loader near the middle of the core region.
 *   <li>A function pointer is the address of a descriptor {ip, gp}. An exported kernel function's address is its
 *       descriptor already; a module's own function gets one in the module's {@code .opd}.
 *   <li>A call out of the module goes through a PLT stub in {@code .core.plt} / {@code .init.plt} that loads the
 *       callee's gp and branches with {@code brl}.
 * </ul>
 * The loader counts the GOT, PLT and descriptor entries before layout and sizes the four placeholder sections
 * the module linker script made ({@link Ia64Sections}). Reference: Intel Itanium psABI "Relocation Types",
 * Linux 6.1 arch/ia64/kernel/module.c; reloc-ia64.md.
 */
public final class Ia64Arch implements Arch {
    public static final int EM_IA_64 = 50;

    /**
     * module_alloc is vmalloc: region 5 from VMALLOC_START (RGN_BASE(5) + 0x200000000), 8 GiB here. Pages are
     * 16 KiB unless the config picks another size.
     */
    private static final ArchTraits TRAITS = new ArchTraits("ia64", List.of(EM_IA_64), true, ByteOrder.LITTLE_ENDIAN, true,
            8, 16384, new Area(0xa000000200000000L, 0xa000000400000000L), Optional.empty(), false, false, "CONFIG_IA64",
            List.of("ia64"), List.of("CONFIG_IA64_PAGE_SIZE_4KB", "CONFIG_IA64_PAGE_SIZE_8KB",
                    "CONFIG_IA64_PAGE_SIZE_16KB", "CONFIG_IA64_PAGE_SIZE_64KB", "CONFIG_ITANIUM"));

    @Override
    public ArchTraits traits() {
        return TRAITS;
    }

    @Override
    public int pageSize(Predicate<String> config) {
        if (config.test("CONFIG_IA64_PAGE_SIZE_4KB")) {
            return 4096;
        }
        if (config.test("CONFIG_IA64_PAGE_SIZE_8KB")) {
            return 8192;
        }
        if (config.test("CONFIG_IA64_PAGE_SIZE_64KB")) {
            return 65536;
        }
        return TRAITS.pageSize();
    }

    /** MODULE_ARCH_VERMAGIC of asm/module.h: "ia64gcc-" and the compiler's major.minor. */
    @Override
    public String vermagicSuffix(Map<String, String> config) {
        int gcc = Integer.parseInt(config.getOrDefault("CONFIG_GCC_VERSION", "0"));
        return "ia64gcc-" + gcc / 10000 + "." + gcc / 100 % 100;
    }

    /** Module per-cpu data always comes from the reserve after the kernel's (see {@link Ia64KernelImage}). */
    @Override
    public boolean percpuReserve(Map<String, Long> systemMap) {
        return true;
    }

    @Override
    public KernelDescriptors kernelDescriptors(String where, List<String> exports, Map<String, Long> systemMap,
            Map<String, Character> types) {
        return Ia64KernelImage.descriptors(where, exports, systemMap, types);
    }

    @Override
    public String typeName(int type) {
        return Ia64Relocs.name(type);
    }

    @Override
    public RelocKind kindOf(int type) {
        Ia64Relocs.Type t = Ia64Relocs.accepted(type);
        return t == null ? RelocKind.UNSUPPORTED : t.kind();
    }

    @Override
    public String rejection(int type) {
        return Ia64Relocs.rejection(type);
    }

    @Override
    public int fieldSize(int type) {
        Ia64Relocs.Type t = Ia64Relocs.accepted(type);
        if (t == null) {
            return 0;
        }
        return switch (t.field()) {
            case LSB32 -> 4;
            case LSB64 -> 8;
            default -> Ia64Bundle.SIZE;
        };
    }

    @Override
    public long fieldEnd(int type, long offset) {
        Ia64Relocs.Type t = Ia64Relocs.accepted(type);
        if (t != null && t.field().inInstruction()) {
            return (offset & ~0xfL) + Ia64Bundle.SIZE; // the whole bundle
        }
        return offset + fieldSize(type);
    }

    /**
     * Stores a value. For an instruction field {@code at} is bundle + slot (sections holding code are 16-byte
     * aligned in their region, so the low bits of {@code at} are those of r_offset).
     */
    @Override
    public void store(ByteBuffer b, int at, int type, long v) throws FieldOverflow {
        Ia64Relocs.Type t = Ia64Relocs.accepted(type);
        if (t == null) {
            throw new IllegalStateException("store of unchecked type " + typeName(type));
        }
        int bundle = at & ~0xf;
        int slot = at & 0xf;
        switch (t.field()) {
            case IMM22 -> Ia64Bundle.putImm22(b, bundle, slot, v);
            case IMM64 -> Ia64Bundle.putImm64(b, bundle, slot, v);
            case IMM21B -> Ia64Bundle.putImm21b(b, bundle, slot, bundles(v));
            case IMM60 -> Ia64Bundle.putImm60(b, bundle, slot, bundles(v));
            case LDXMOV -> {
                // v = S + A - gp: the kernel's gp_addressable(S + A) is "fits in the 22-bit offset of the addl".
                if (v >= -(1L << 21) && v < (1L << 21)) {
                    Ia64Bundle.ldToMov(b, bundle, slot);
                } else {
                    Ia64Bundle.checkLd(b, bundle, slot);
                }
            }
            case LSB32 -> Fields.write32(b, at, v);
            case LSB64 -> Fields.write64(b, at, v);
        }
    }

    /** A branch displacement in bundles; a target that is not a bundle address cannot be reached. */
    private static long bundles(long v) throws FieldOverflow {
        if ((v & 0xf) != 0) {
            throw new FieldOverflow("branch displacement " + Ia64Bundle.hex(v) + " is not a multiple of 16 (targets are bundles)");
        }
        return v >> 4;
    }

    @Override
    public String overflowHint(int type, FieldOverflow problem) {
        Ia64Relocs.Type t = Ia64Relocs.accepted(type);
        if (t == null || !problem.getMessage().contains(" range ")) {
            return ""; // a wrong slot or an unknown descriptor: the message says it all
        }
        return switch (t.kind()) {
            case GPREL, GOT_GPREL, GPREL_OR_GOT, GOT_FPTR_GPREL ->
                "gp-relative offsets reach gp +/- 2 MiB; data that far from the module's gp must be reached through the GOT (@ltoff)";
            case PC_BUNDLE, PC_BUNDLE_LOCAL -> "the target is out of reach of this branch or offset; calls out of the module need PCREL21B, which goes through a PLT stub";
            default -> "";
        };
    }

    @Override
    public long smallDataFlag() {
        return Ia64Sections.SHF_IA_64_SHORT;
    }

    @Override
    public ArchSections sections(ObjectFile obj, Predicate<String> config) {
        return new Ia64Sections(obj, !config.test("CONFIG_ITANIUM"));
    }
}
