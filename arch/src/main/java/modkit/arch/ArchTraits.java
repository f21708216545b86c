package modkit.arch;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;

/**
 * The plain facts of one architecture, in one place (mold's per-arch traits struct): what the ELF header of its
 * modules says, how big its pointers and pages are, where its kernel puts modules, and the names other tools
 * give it. Each {@link Arch} declares one; the linker, the profile import and the simulated kernel ask for it
 * instead of testing arch names. Facts that depend on a kernel's config or System.map are {@link Arch} methods.
 *
 * @param name modkit's name: "x86_64", "i386", "m68k", "ia64"; in messages, profiles ({@code arch=}) and testdata
 *     directories
 * @param machines the ELF {@code e_machine} values the kernel's {@code elf_check_arch} accepts, the one the
 *     toolchain writes first
 * @param is64 ELFCLASS64 (else ELFCLASS32)
 * @param order the byte order of the ELF data and of the target's memory
 * @param usesRela true where the kernel applies SHT_RELA ({@code apply_relocate_add}), false for SHT_REL
 * @param pointerSize bytes in a pointer and a C long
 * @param pageSize {@code PAGE_SIZE} of the default configuration ({@link Arch#pageSize} reads the config)
 * @param moduleArea where {@code module_alloc} places modules when the profile does not say
 * @param kmallocArea where modkit models {@code kmalloc} memory (the loader's copies of charp parameters); empty
 *     where it does not, and such memory comes from the module area
 * @param vmallocGuard true where modkit models the unmapped page vmalloc leaves after each module allocation (its
 *     addresses were checked against a booted kernel)
 * @param strictModuleRwx the Kconfig default of {@code CONFIG_STRICT_MODULE_RWX}: y where the arch selects
 *     {@code ARCH_HAS_STRICT_MODULE_RWX}
 * @param kconfig the {@code CONFIG_} option that is y in this arch's kernel configs and no other's
 * @param unameMachines what {@code uname -m} (and Java's {@code os.arch}) call this arch
 * @param configOptions the {@code CONFIG_} options this arch's hooks read ({@link Arch#pageSize}, {@link
 *     Arch#sections}), which a kernel profile must keep
 */
public record ArchTraits(
        String name,
        List<Integer> machines,
        boolean is64,
        ByteOrder order,
        boolean usesRela,
        int pointerSize,
        int pageSize,
        Area moduleArea,
        Optional<Area> kmallocArea,
        boolean vmallocGuard,
        boolean strictModuleRwx,
        String kconfig,
        List<String> unameMachines,
        List<String> configOptions) {

    /** A range of kernel virtual addresses, [start, end), compared unsigned. */
    public record Area(long start, long end) {
        public Area {
            if (Long.compareUnsigned(start, end) >= 0) {
                throw new IllegalArgumentException("empty area 0x" + Long.toHexString(start) + "-0x" + Long.toHexString(end));
            }
        }
    }

    public ArchTraits {
        machines = List.copyOf(machines);
        unameMachines = List.copyOf(unameMachines);
        configOptions = List.copyOf(configOptions);
        if (name == null || name.isEmpty() || machines.isEmpty() || order == null || moduleArea == null
                || kmallocArea == null || kconfig == null || !kconfig.startsWith("CONFIG_") || unameMachines.isEmpty()) {
            throw new IllegalArgumentException("incomplete traits for arch '" + name + "'");
        }
    }

    /** The {@code e_machine} this arch's toolchain writes. */
    public int machine() {
        return machines.get(0);
    }
}
