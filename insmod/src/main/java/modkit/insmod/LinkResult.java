package modkit.insmod;

import java.util.List;
import modkit.arch.FinalizePatch;
import modkit.arch.ArchSections;
import modkit.elf.ObjectFile;
import modkit.kernel.ModuleImage;

/**
 * What the linker produced: the image for the backend and the facts behind the load map.
 *
 * @param sections every placed section with its region and final address, in placement order
 * @param symbols undefined symbols with where they resolved, then the module's own global symbols ("self")
 * @param relocations how many relocation entries were applied
 * @param finalizePatches what the arch's {@code module_finalize} would patch afterwards (not applied)
 * @param archEntries what the arch built around the module (ia64: gp, PLT stubs, GOT slots, descriptors)
 */
public record LinkResult(
        ObjectFile object,
        String kernel,
        ModuleImage image,
        List<PlacedSection> sections,
        List<ResolvedSymbol> symbols,
        long[] symbolValues,
        int relocations,
        List<FinalizePatch> finalizePatches,
        List<ArchSections.Entry> archEntries) {

    /** A section at its final address; {@code offset} is its offset inside the region's bytes. */
    public record PlacedSection(int index, String name, String region, long address, long size, int offset) {}

    public ModuleImage.Region region(String name) {
        for (ModuleImage.Region r : image.regions()) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    /** The bytes of a placed section as they will be in kernel memory (zeros for NOBITS). */
    public byte[] sectionBytes(PlacedSection s) {
        byte[] out = new byte[(int) s.size()];
        System.arraycopy(region(s.region()).bytes(), s.offset(), out, 0, out.length);
        return out;
    }
}
