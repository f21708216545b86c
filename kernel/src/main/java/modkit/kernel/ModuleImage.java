package modkit.kernel;

import java.util.List;
import java.util.Set;

/**
 * A linked module, ready to hand to a kernel backend: its memory regions with final addresses and relocated
 * bytes, the symbols it exports and the modules it uses.
 *
 * @param regions "core" and "init" (kernels before 6.4) or the module_memory regions; each page-aligned
 * @param uses names of loaded modules whose exports it resolved against (who-uses-whom)
 * @param proprietary its licence is not GPL-compatible (taint P)
 * @param taints per-module taint letters in kernel bit order, e.g. "OE"
 * @param init address of {@code init_module}, 0 if none
 * @param exit address of {@code cleanup_module}, 0 if none
 */
public record ModuleImage(
        String name,
        String file,
        String arch,
        List<Region> regions,
        List<KernelSymbol> exports,
        Set<String> uses,
        boolean proprietary,
        String taints,
        long init,
        long exit,
        String params) {

    /** One allocated region. {@code bytes.length == size}; NOBITS parts are zero. */
    public record Region(String name, long address, long size, byte[] bytes) {
        public boolean isInit() {
            return name.startsWith("init");
        }

        /** The module's per-cpu data: allocated, but not part of the module's size. */
        public boolean isPercpu() {
            return name.equals("percpu");
        }
    }

    public long coreSize() {
        return regions.stream().filter(r -> !r.isInit() && !r.isPercpu()).mapToLong(Region::size).sum();
    }

    public long initSize() {
        return regions.stream().filter(Region::isInit).mapToLong(Region::size).sum();
    }

    /** Address of the first core region (what /proc/modules shows). */
    public long coreAddress() {
        return regions.stream().filter(r -> !r.isInit() && !r.isPercpu()).mapToLong(Region::address).findFirst().orElse(0);
    }
}
