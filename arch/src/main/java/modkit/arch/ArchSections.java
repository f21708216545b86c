package modkit.arch;

import java.nio.ByteBuffer;
import java.util.List;
import modkit.elf.ObjectFile;
import modkit.elf.Section;

/**
 * What an arch builds around one module, the kernel's {@code module_frob_arch_sections} and the tables behind
 * {@code apply_relocate_add}: PLT stubs, GOT slots, function descriptors and the global pointer (ia64). Made by
 * {@link Arch#sections} before layout, so it can resize the placeholder sections the module provides; bound to
 * final addresses once the module is placed and its symbols resolved; then asked for GOT, PLT and descriptor
 * addresses by the relocation loop, filling the tables as it goes.
 *
 * <p>An arch without such tables uses {@link #NONE}; its relocation kinds never ask for them.
 */
public interface ArchSections {
    ArchSections NONE = new ArchSections() {};

    /** The section headers as the loader sees them after the arch's resizing; the same list if none changes. */
    default List<Section> adjust(ObjectFile obj) {
        return obj.sections();
    }

    /** Called once, after layout, allocation and symbol resolution, before the first relocation. */
    default void bind(PlacedModule module) {}

    default long gp() {
        throw new IllegalStateException("this arch has no global pointer");
    }

    /** GOT(value): the address of a linkage-table slot holding {@code value}. */
    default long got(long value) throws FieldOverflow {
        throw new IllegalStateException("this arch has no GOT");
    }

    /** FPTR(code): a function pointer for a code address (itself for a function outside the module). */
    default long fptr(long code) throws FieldOverflow {
        throw new IllegalStateException("this arch has no function descriptors");
    }

    /** PLT(descriptor): the address of a stub, near the call site P, that calls through the descriptor. */
    default long plt(long descriptor, long P) throws FieldOverflow {
        throw new IllegalStateException("this arch has no PLT");
    }

    /** CALL(target): where a call at P to {@code target} must branch: the target itself, or a PLT stub. */
    default long call(long target, long P) throws FieldOverflow {
        return target;
    }

    /** True if the value lies inside the module's own memory (its core or init region). */
    default boolean isInternal(long value) {
        throw new IllegalStateException("this arch has no module-local branches");
    }

    /** True if a gp-relative field of this arch reaches {@code value}. */
    default boolean gpAddressable(long value) {
        return false;
    }

    /** The base of the module region (core or init) that holds {@code value}. */
    default long regionBase(long value) {
        throw new IllegalStateException("this arch has no BDREL");
    }

    /** The address the kernel's export table holds for a defined symbol: ia64 exports functions by descriptor. */
    default long exportAddress(long value, boolean function) {
        return value;
    }

    /** The entries built, for the load map and the image's symbol table. */
    default List<Entry> entries() {
        return List.of();
    }

    /**
     * One built entry.
     *
     * @param kind "gp", "plt", "got" or "fdesc"
     * @param address where it is
     * @param size its bytes (0 for gp)
     * @param target what it leads to: the descriptor a stub calls through, the value a GOT slot holds, the code
     *     address a descriptor names
     * @param code the code address finally reached (a stub's or descriptor's ip), 0 for data
     */
    record Entry(String kind, long address, long size, long target, long code) {}

    /** The module at its final addresses, as the arch's tables see it. */
    interface PlacedModule {
        /** A placed section's final address; 0 if it is not placed. */
        long address(int sectionIndex);

        /** The bytes of a placed section, little- or big-endian as the arch, index 0 = the section's start. */
        ByteBuffer bytes(int sectionIndex);

        /** The module's regions: name, address, size. */
        List<Region> regions();

        /**
         * Reads 8 bytes of kernel memory outside the module (a descriptor of vmlinux or of a loaded module).
         *
         * @throws FieldOverflow if the simulated kernel does not know that memory
         */
        long read64(long address) throws FieldOverflow;
    }

    /** A module memory region: "core", "init", or a 6.4+ module_memory type such as "text" or "init_data". */
    record Region(String name, long address, long size) {
        public boolean isInit() {
            return name.startsWith("init");
        }

        public boolean contains(long a) {
            return Long.compareUnsigned(a - address, size) < 0;
        }
    }
}
