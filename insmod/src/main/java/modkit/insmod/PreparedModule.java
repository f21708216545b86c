package modkit.insmod;

import java.util.Map;
import modkit.arch.Arch;
import modkit.arch.ArchSections;
import modkit.elf.ObjectFile;
import modkit.kernel.KernelProfile;

/**
 * A module checked, laid out and scanned ({@link Linker#prepare}), waiting for {@link Linker#link} to give it
 * addresses and symbol values.
 *
 * @param original the object as read, before an arch resized its table sections
 * @param obj the object the layout and relocations refer to
 * @param versions the {@code __versions} CRCs by name, or null when the kernel is not to check them
 */
public record PreparedModule(
        ObjectFile original,
        ObjectFile obj,
        KernelProfile profile,
        LinkOptions opts,
        Arch arch,
        Taints taints,
        Map<String, Long> versions,
        ArchSections tables,
        Layout layout,
        References refs) {}
