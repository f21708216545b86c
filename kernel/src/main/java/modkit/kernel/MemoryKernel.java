package modkit.kernel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A kernel that lives in one process and is forgotten when it ends: for dry runs against a profile, benchmarks
 * and golden generation, where no state should be written. Modules load LIVE at once; memory is handed out
 * upwards from the start of the module area and never reused.
 */
public final class MemoryKernel implements ImageBackend {
    private final KernelProfile profile;
    private final List<ModuleImage> loaded = new ArrayList<>();
    /** The same modules by name: lookups during a link must not walk a 4,000-module list. */
    private final Map<String, ModuleImage> byName = new HashMap<>();
    private final Map<String, KernelSymbol> moduleExports = new HashMap<>();
    /** Taints of loads that failed after the kernel had taken them. */
    private String kept = "";
    /** Modules of the kernel this one was started over ({@link #over}): loaded already, newest first. */
    private List<LoadedModule> underneath = List.of();
    private long next;
    private long nextPercpu;
    private long nextHeap;

    public MemoryKernel(KernelProfile profile) {
        this.profile = profile;
        this.next = profile.moduleAreaFirst();
    }

    /**
     * A kernel in memory that starts as {@code base}: its exports (the image's and its modules', with their
     * owners) are this one's, and its modules count as loaded. Loads go into memory only.
     */
    public static MemoryKernel over(KernelBackend base) {
        List<KernelSymbol> symbols = new ArrayList<>(base.profile().symbols().all());
        symbols.addAll(base.moduleExports());
        MemoryKernel m = new MemoryKernel(base.profile().withSymbols(new SymbolMap(symbols)));
        m.underneath = List.copyOf(base.modules());
        return m;
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public KernelProfile profile() {
        return profile;
    }

    @Override
    public List<KernelSymbol> moduleExports() {
        List<KernelSymbol> out = new ArrayList<>(moduleExports.values());
        out.sort(java.util.Comparator.comparing(KernelSymbol::name));
        return out;
    }

    /** Loading a module taints the kernel with the module's own letters, as {@code add_taint_module} does. */
    @Override
    public String taints() {
        String t = kept;
        for (ModuleImage m : loaded) {
            t = Taint.merge(t, m.taints());
        }
        return t;
    }

    @Override
    public Map<String, String> parameters(String module, boolean all) {
        throw new KernelException("ENOENT", "the in-memory kernel keeps no parameter views (module " + module + ")", null);
    }

    @Override
    public List<LoadedModule> modules() {
        List<LoadedModule> out = new ArrayList<>();
        for (int i = loaded.size() - 1; i >= 0; i--) {
            ModuleImage m = loaded.get(i);
            List<String> holders = new ArrayList<>();
            for (int j = loaded.size() - 1; j >= 0; j--) { // the kernel's source_list: newest user first
                if (loaded.get(j).uses().contains(m.name())) {
                    holders.add(loaded.get(j).name());
                }
            }
            out.add(new LoadedModule(m.name(), ModuleState.LIVE, m.coreAddress(), m.coreSize(), m.coreSize(), 0,
                    holders.size(), List.copyOf(holders), m.taints(), m.init() != 0, m.exit() != 0, m.file()));
        }
        out.addAll(underneath);
        return out;
    }

    @Override
    public LoadTransaction beginLoad(String name) {
        if (byName.containsKey(name) || underneath.stream().anyMatch(m -> m.name().equals(name))) {
            throw new KernelException("EEXIST", "module " + name + " is already loaded", null);
        }
        return new LoadTransaction() {
            private final long start = next;
            private final long startPercpu = nextPercpu;
            private final long startHeap = nextHeap;

            @Override
            public KernelSymbol findSymbol(String symbol) {
                KernelSymbol k = profile.symbols().get(symbol);
                return k != null ? k : moduleExports.get(symbol);
            }

            @Override
            public boolean isProprietary(String module) {
                ModuleImage m = byName.get(module);
                return m != null && m.proprietary();
            }

            @Override
            public long allocate(long size) {
                long at = next;
                if (Long.compareUnsigned(at + size, profile.moduleAreaEnd()) > 0) {
                    throw new KernelException("ENOMEM", "module area exhausted", null);
                }
                next += size + profile.moduleGuard();
                return at;
            }

            @Override
            public long allocatePercpu(long areaStart, long areaEnd, long size, long align) {
                long from = Long.compareUnsigned(nextPercpu, areaStart) < 0 ? areaStart : nextPercpu;
                long at = (from + align - 1) & -align;
                if (Long.compareUnsigned(at + size, areaEnd) > 0) {
                    throw new KernelException("ENOMEM", "per-cpu area for modules exhausted", null);
                }
                nextPercpu = at + size;
                return at;
            }

            /** kmalloc memory from the profile's heap, as the simulated kernel gives it (else the module area). */
            @Override
            public long allocateHeap(long size) {
                long[] heap = profile.heapArea();
                if (heap == null) {
                    return allocate(size);
                }
                long at = Long.compareUnsigned(nextHeap, heap[0]) < 0 ? heap[0] : nextHeap;
                at = (at + 7) & -8L;
                if (Long.compareUnsigned(at + size, heap[1]) > 0) {
                    throw new KernelException("ENOMEM", "kernel heap exhausted", null);
                }
                nextHeap = at + size;
                return at;
            }

            @Override
            public void keepTaints(String letters) {
                kept = Taint.merge(kept, letters);
            }

            @Override
            public byte[] read(long address, int length) {
                for (ModuleImage m : loaded) {
                    for (ModuleImage.Region r : m.regions()) {
                        long off = address - r.address();
                        if (!r.isInit() && Long.compareUnsigned(off, r.size()) < 0 && off + length <= r.size()) {
                            return java.util.Arrays.copyOfRange(r.bytes(), (int) off, (int) off + length);
                        }
                    }
                }
                return null;
            }

            @Override
            public long commit(ModuleImage image) {
                loaded.add(image);
                byName.put(image.name(), image);
                for (KernelSymbol s : image.exports()) {
                    moduleExports.put(s.name(), s); // newest first wins, as in the kernel's list walk
                }
                return image.initSize();
            }

            @Override
            public void close() {
                if (loaded.isEmpty() || !loaded.getLast().name().equals(name)) {
                    next = start;
                    nextPercpu = startPercpu;
                    nextHeap = startHeap;
                }
            }
        };
    }

    /** {@code wait} has nothing to wait for: nobody else holds references in a kernel of one process. */
    @Override
    public void unload(String name, boolean force, boolean wait) {
        ModuleImage m = loaded.stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> new KernelException("ENOENT", "Module " + name + " is not currently loaded", null));
        if (!force && loaded.stream().anyMatch(o -> o.uses().contains(name))) {
            throw new KernelException("EWOULDBLOCK", "Module " + name + " is in use", null);
        }
        loaded.remove(m);
        byName.remove(name);
        m.exports().forEach(s -> moduleExports.remove(s.name(), s));
    }

    @Override
    public void close() {}
}
