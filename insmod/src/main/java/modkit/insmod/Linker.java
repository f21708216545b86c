package modkit.insmod;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import modkit.arch.Arch;
import modkit.arch.ArchSections;
import modkit.arch.FieldOverflow;
import modkit.arch.FinalizePatch;
import modkit.elf.ModuleExport;
import modkit.elf.ObjectFile;
import modkit.elf.Section;
import modkit.elf.SymbolTable;
import modkit.kernel.KernelException;
import modkit.kernel.KernelProfile;
import modkit.kernel.KernelSymbol;
import modkit.kernel.LoadTransaction;
import modkit.kernel.ModuleImage;
import modkit.kernel.Taint;

/**
 * Links one module the way the kernel's {@code load_module} would: checks → layout → allocate → resolve →
 * relocate. The result is a finished {@link ModuleImage}; nothing is committed to the backend here.
 */
public final class Linker {
    private Linker() {}

    /**
     * Everything of a link that does not depend on what is loaded: the checks, the layout and the scan of the
     * relocations. It touches no kernel state, so several modules can be prepared at once.
     */
    public static PreparedModule prepare(ObjectFile obj, KernelProfile profile, LinkOptions opts) {
        ObjectFile original = obj;
        Taints taints = new Taints();
        ModuleChecks.signature(obj, profile, opts, taints); // module_sig_check: before the ELF is looked at
        Arch arch = ModuleChecks.arch(obj, profile);
        Map<String, Long> versions = obj.hasVersions() && !opts.forceModversion()
                ? ModuleChecks.versionsByName(obj.versions()) : null;
        KernelSymbol layoutSym = profile.symbols().get("module_layout");
        if (layoutSym != null) {
            String problem = ModuleChecks.crc(obj, profile, versions, layoutSym, taints);
            if (problem != null) {
                throw new modkit.elf.ModkitException(obj.file() + ": disagrees about version of symbol module_layout: "
                        + problem.substring(problem.indexOf('(')),
                        "struct module differs between the module's kernel and " + profile.release() + "; rebuild the module");
            }
        }
        ModuleChecks.vermagic(obj, profile, opts, versions != null, taints);
        ModuleChecks.modinfoTaints(obj, taints);
        ModuleChecks.common(obj);
        ArchSections tables = arch.sections(obj, profile::enabled);
        if (tables != ArchSections.NONE) {
            obj = obj.withSections(tables.adjust(obj)); // module_frob_arch_sections
        }
        Layout layout = Layout.compute(obj, profile, arch.smallDataFlag());
        References refs = References.scan(obj, arch, layout);
        return new PreparedModule(original, obj, profile, opts, arch, taints, versions, tables, layout, refs);
    }

    /**
     * Links a prepared module into the kernel behind {@code tx}: allocate → resolve → relocate. A prepared module
     * links once; a retry (an exporter was still in its init) prepares again, as its arch tables are bound here.
     */
    public static LinkResult link(PreparedModule prepared, LoadTransaction tx) {
        ObjectFile obj = prepared.obj();
        KernelProfile profile = prepared.profile();
        LinkOptions opts = prepared.opts();
        Arch arch = prepared.arch();
        Taints taints = prepared.taints().copy();
        Map<String, Long> versions = prepared.versions();
        ArchSections tables = prepared.tables();
        Layout layout = prepared.layout();
        References refs = prepared.refs();

        Map<String, ModuleImage.Region> regions = new LinkedHashMap<>();
        // A dry link at the addresses a kernel chose (insmod -n --at) takes no memory from the backend for them.
        Map<String, Long> fixed = opts.at() == null ? Map.of() : opts.at().bases(layout);
        for (Map.Entry<String, Long> e : layout.regionSizes().entrySet()) {
            long size = e.getValue();
            if (size == 0) {
                continue;
            }
            Long given = fixed.get(e.getKey());
            long address = given != null ? given : tx.allocate(Layout.align(size, profile.pageSize()));
            regions.put(e.getKey(), new ModuleImage.Region(e.getKey(), address, size, regionBytes(obj, e.getKey(), size)));
        }
        long[] sectionAddress = new long[obj.sectionCount()];
        int[] sectionOffset = new int[obj.sectionCount()];
        String[] sectionRegion = new String[obj.sectionCount()];
        List<LinkResult.PlacedSection> placed = new ArrayList<>();
        for (Layout.Placement p : layout.placements()) {
            Section s = p.section();
            ModuleImage.Region r = regions.get(p.region());
            if (r == null) {
                // An empty section in a region that came to 0 bytes (6.4+: a module with no core text once .exit
                // is init): the kernel allocates nothing and leaves the base NULL, so it sits at its offset from 0.
                sectionAddress[s.index()] = p.offset();
                continue;
            }
            sectionAddress[s.index()] = r.address() + p.offset();
            sectionOffset[s.index()] = (int) p.offset();
            sectionRegion[s.index()] = p.region();
            if (s.type() != Section.SHT_SYMTAB && s.type() != Section.SHT_STRTAB) {
                obj.copyContents(s, r.bytes(), (int) p.offset());
            }
            placed.add(new LinkResult.PlacedSection(s.index(), s.name(), p.region(), r.address() + p.offset(), s.size(),
                    (int) p.offset()));
        }
        long percpuBase = 0;
        Section percpu = obj.anySection(".data..percpu");
        if (percpu != null && percpu.size() > 0) {
            long[] area = profile.percpuModuleArea();
            Long given = fixed.get("percpu");
            percpuBase = given != null ? given : area == null ? tx.allocate(Layout.align(percpu.size(), profile.pageSize()))
                    : tx.allocatePercpu(area[0], area[1], percpu.size(), Math.max(1, percpu.addralign()));
            byte[] bytes = new byte[(int) percpu.size()];
            obj.copyContents(percpu, bytes, 0);
            regions.put("percpu", new ModuleImage.Region("percpu", percpuBase, percpu.size(), bytes));
        }

        SymbolResolver resolver = new SymbolResolver(obj, profile, arch, tx, versions, taints, refs);
        resolver.resolve(sectionAddress, percpuBase);

        Map<String, ByteBuffer> buffers = new HashMap<>();
        regions.forEach((k, r) -> buffers.put(k, ByteBuffer.wrap(r.bytes()).order(arch.order())));
        ByteBuffer[] sectionBuffer = new ByteBuffer[obj.sectionCount()];
        for (int i = 0; i < sectionBuffer.length; i++) {
            sectionBuffer[i] = sectionRegion[i] == null ? null : buffers.get(sectionRegion[i]);
        }
        tables.bind(placedModule(obj, arch, profile, tx, regions, sectionAddress, sectionOffset, sectionRegion));
        Relocator.apply(obj, arch, refs, resolver.values, new Relocator.Target() {
            @Override
            public ByteBuffer buffer(int i) {
                return sectionBuffer[i];
            }

            @Override
            public int offset(int i) {
                return sectionOffset[i];
            }

            @Override
            public long address(int i) {
                return sectionAddress[i];
            }
        }, tables);

        ObjectFile placedObj = obj;
        List<FinalizePatch> finalizePatches = arch.finalizePatches(n -> {
            Section s = placedObj.anySection(n);
            if (s == null || s.size() == 0 || sectionRegion[s.index()] == null) {
                return null;
            }
            return buffers.get(sectionRegion[s.index()]).slice(sectionOffset[s.index()], (int) s.size()).order(arch.order());
        });

        String name = obj.moduleName();
        List<KernelSymbol> exports = new ArrayList<>();
        for (ModuleExport e : obj.exports()) {
            long address = e.symbol() < 0 ? 0
                    : tables.exportAddress(resolver.values[e.symbol()], obj.symbols().type(e.symbol()) == SymbolTable.STT_FUNC);
            exports.add(new KernelSymbol(e.name(), address, e.crc(), e.gpl(), e.namespace(), name));
        }
        List<ResolvedSymbol> symbols = new ArrayList<>(resolver.resolved);
        SymbolTable st = obj.symbols();
        for (int i = 1; i < st.count(); i++) {
            if (!st.isUndefined(i) && st.binding(i) != SymbolTable.STB_LOCAL && st.shndx(i) < obj.sectionCount()) {
                symbols.add(new ResolvedSymbol(st.name(i), resolver.values[i], "self"));
            }
        }
        long init = definedValue(st, resolver.values, "init_module");
        long exit = profile.moduleUnload() ? definedValue(st, resolver.values, "cleanup_module") : 0;
        ModuleImage image = new ModuleImage(name, obj.file(), arch.name(), List.copyOf(regions.values()), exports,
                resolver.uses, taints.has(Taint.PROPRIETARY_MODULE), taints.toString(), init, exit, opts.params(), List.of());
        return new LinkResult(obj, profile.release(), image, placed, symbols, resolver.values, refs.count, finalizePatches,
                tables.entries());
    }

    /** The module at its final addresses, for the arch's PLT/GOT/descriptor tables. */
    private static ArchSections.PlacedModule placedModule(ObjectFile obj, Arch arch, KernelProfile profile,
            LoadTransaction tx, Map<String, ModuleImage.Region> regions, long[] sectionAddress, int[] sectionOffset,
            String[] sectionRegion) {
        List<ArchSections.Region> moduleRegions = new ArrayList<>();
        regions.values().stream().filter(r -> !r.isPercpu())
                .forEach(r -> moduleRegions.add(new ArchSections.Region(r.name(), r.address(), r.size())));
        return new ArchSections.PlacedModule() {
            @Override
            public long address(int i) {
                return sectionAddress[i];
            }

            @Override
            public ByteBuffer bytes(int i) {
                byte[] region = regions.get(sectionRegion[i]).bytes();
                return ByteBuffer.wrap(region, sectionOffset[i], (int) obj.section(i).size()).slice().order(arch.order());
            }

            @Override
            public List<ArchSections.Region> regions() {
                return moduleRegions;
            }

            @Override
            public long read64(long address) throws FieldOverflow {
                Long v = profile.symbols().read64(address);
                if (v != null) {
                    return v;
                }
                byte[] b = tx.read(address, 8);
                if (b == null) {
                    throw new FieldOverflow("no function descriptor is known at 0x" + Long.toHexString(address)
                            + " (neither a vmlinux export of the profile nor memory of a loaded module)");
                }
                return ByteBuffer.wrap(b).order(arch.order()).getLong();
            }
        };
    }

    private static long definedValue(SymbolTable st, long[] values, String name) {
        int i = st.find(name);
        return i > 0 && !st.isUndefined(i) ? values[i] : 0;
    }

    /**
     * The bytes of one region. Sections each fit in an int, but a damaged module's may add up past what a Java array
     * holds or this JVM can give: the kernel's vmalloc would fail with ENOMEM there, and so does this.
     */
    private static byte[] regionBytes(ObjectFile obj, String region, long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new KernelException("ENOMEM", obj.file() + ": its " + region + " region needs 0x" + Long.toHexString(size)
                    + " bytes, more than modkit can hold", null);
        }
        try {
            return new byte[(int) size];
        } catch (OutOfMemoryError e) {
            throw new KernelException("ENOMEM", obj.file() + ": cannot allocate 0x" + Long.toHexString(size) + " bytes for its "
                    + region + " region", "give Java more memory (-Xmx) if the module really is this large");
        }
    }
}
