package modkit.arch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One target architecture, as the kernel's module loader sees it: which relocation types it accepts, what each
 * means ({@link #kindOf}) and how its bits are written ({@link #store}). Where things go and what the value is
 * belongs to the linker; an arch never sees a symbol name or a section.
 */
public interface Arch {
    /** The arch's plain facts: ELF class, byte order, pointer and page size, module area, names. */
    ArchTraits traits();

    /** Canonical name: "x86_64", "i386", "m68k", "ia64"; used in messages, profiles and testdata directories. */
    default String name() {
        return traits().name();
    }

    /** The ELF {@code e_machine} of objects for this arch. */
    default int machine() {
        return traits().machine();
    }

    /** The kernel's {@code elf_check_arch}: i386 also takes EM_486. */
    default boolean acceptsMachine(int eMachine) {
        return traits().machines().contains(eMachine);
    }

    default boolean is64() {
        return traits().is64();
    }

    default ByteOrder order() {
        return traits().order();
    }

    /** True where the kernel takes SHT_RELA ({@code apply_relocate_add}), false for SHT_REL. */
    default boolean usesRela() {
        return traits().usesRela();
    }

    /** psABI spelling of a type number, e.g. "R_X86_64_PC32"; "type N" for numbers the arch does not know. */
    String typeName(int type);

    RelocKind kindOf(int type);

    /** Bytes the field of {@code type} occupies at P; the linker checks it lies inside the section. */
    int fieldSize(int type);

    /** For REL: the addend kept in the field before patching. Unused for RELA. */
    default long implicitAddend(ByteBuffer section, int at, int type) {
        return 0;
    }

    /** Writes {@code value} into the field of {@code type} at {@code at}, checking its range. */
    void store(ByteBuffer section, int at, int type, long value) throws FieldOverflow;

    /**
     * Completes "unknown relocation R_X (n) against 'sym': ..." for a type {@link #kindOf} calls UNSUPPORTED. An
     * arch whose older loaders accepted the type says so here, so the user knows which loader modkit follows.
     */
    default String whyUnsupported(int type) {
        return "the " + name() + " kernel loader does not accept it";
    }

    /** The hint line under that message. */
    default String unsupportedHint(int type) {
        return "kernel modules must not use GOT/PLT or TLS relocations: build with the kernel's flags (-mcmodel=kernel -fno-pic)";
    }

    /** The hint line under a {@link FieldOverflow} of {@code type}; null lets the linker pick a generic one. */
    default String overflowHint(int type) {
        return null;
    }

    /**
     * The kernel's {@code module_finalize}: the patches it would make to the relocated image (m68k's
     * {@code .m68k_fixup} table). Read after relocation, recorded in the load map, never applied.
     */
    default List<FinalizePatch> finalizePatches(FinalizePatch.Image image) {
        return List.of();
    }

    /** {@code ARCH_SHF_SMALL}: the section flag that sends a section to the small-data group (ia64 only). */
    default long smallDataFlag() {
        return 0;
    }

    /** The kernel's {@code ignore_undef_symbol}: undefined names that may stay 0 without a definition. */
    default boolean mayStayUndefined(String name) {
        return false;
    }

    /** {@code PAGE_SIZE} of a kernel with these {@code CONFIG_} options set (ia64 and Sun-3 choose it there). */
    default int pageSize(Predicate<String> config) {
        return traits().pageSize();
    }

    /**
     * {@code MODULE_ARCH_VERMAGIC}: what the arch appends to a kernel's vermagic string for this config (i386: the
     * CPU family, ia64: the compiler version); "" for none.
     */
    default String vermagicSuffix(Map<String, String> config) {
        return "";
    }

    /** True if a System.map (name to address) can only be this arch's, for a profile import given no --arch. */
    default boolean recognizes(Map<String, Long> systemMap) {
        return false;
    }

    /**
     * True where modkit models the per-cpu allocator's reserved chunk for modules (PERCPU_MODULE_RESERVE after the
     * kernel's static per-cpu data) on the kernel of this System.map; module per-cpu data then goes there.
     */
    default boolean percpuReserve(Map<String, Long> systemMap) {
        return false;
    }

    /**
     * What a module sees for the kernel image's exported functions where that is not their System.map address
     * (ia64: function descriptors), for the profile import. {@code types} holds System.map's type letters.
     */
    default KernelDescriptors kernelDescriptors(String where, List<String> exports, Map<String, Long> systemMap,
            Map<String, Character> types) {
        return KernelDescriptors.NONE;
    }

    /**
     * The kernel's {@code module_frob_arch_sections} and the tables behind its relocations (ia64: PLT, GOT,
     * function descriptors, gp), for one module; {@code config} tells which kernel options are set. Most arches
     * have none.
     */
    default ArchSections sections(modkit.elf.ObjectFile obj, Predicate<String> config) {
        return ArchSections.NONE;
    }

    /**
     * End (exclusive, as an offset in the section) of the bytes a relocation at {@code offset} patches; the
     * linker checks it lies inside the section. ia64 instruction relocations patch the whole 16-byte bundle.
     */
    default long fieldEnd(int type, long offset) {
        return offset + fieldSize(type);
    }

    /**
     * Why the kernel's loader refuses a type {@link #kindOf} calls UNSUPPORTED, in the kernel's words where it has
     * some; null for the generic "does not accept it".
     */
    default String rejection(int type) {
        return null;
    }

    /**
     * A hint for a store of {@code type} that failed with {@code problem}; null to let the linker guess, "" for
     * none.
     */
    default String overflowHint(int type, FieldOverflow problem) {
        return null;
    }
}
