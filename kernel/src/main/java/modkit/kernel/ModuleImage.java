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
 * @param params the parameter string given to the load, as the kernel received it
 * @param parameters the module's parameter variables, for sysfs-style views
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
        String params,
        List<ModuleParam> parameters) {

    /** The same image with its parameters set (values already written into the regions' bytes). */
    public ModuleImage withParameters(String args, List<ModuleParam> slots) {
        return new ModuleImage(name, file, arch, regions, exports, uses, proprietary, taints, init, exit, args, slots);
    }

    /** One allocated region. {@code bytes.length == size}; NOBITS parts are zero. */
    public record Region(String name, long address, long size, byte[] bytes) {
        public boolean isInit() {
            return name.startsWith("init");
        }

        /** The module's per-cpu data: allocated, but not part of the module's size. */
        public boolean isPercpu() {
            return name.equals("percpu");
        }

        /** Kernel heap the loader allocated for the module (charp parameter strings): not module memory. */
        public boolean isHeap() {
            return name.equals("kmalloc");
        }

        /** Counted in the module's size (/proc/modules, lsmod). */
        public boolean isModuleMemory() {
            return !isPercpu() && !isHeap();
        }
    }

    public long coreSize() {
        return regions.stream().filter(r -> !r.isInit() && r.isModuleMemory()).mapToLong(Region::size).sum();
    }

    public long initSize() {
        return regions.stream().filter(Region::isInit).mapToLong(Region::size).sum();
    }

    /** Address of the first core region (what /proc/modules shows). */
    public long coreAddress() {
        return regions.stream().filter(r -> !r.isInit() && r.isModuleMemory()).mapToLong(Region::address).findFirst().orElse(0);
    }
}
