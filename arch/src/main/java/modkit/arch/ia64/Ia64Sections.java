package modkit.arch.ia64;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import modkit.arch.ArchSections;
import modkit.arch.FieldOverflow;
import modkit.elf.ModkitException;
import modkit.elf.ObjectFile;
import modkit.elf.RelocTable;
import modkit.elf.Section;

/**
 * The ia64 kernel's work around a module: {@code module_frob_arch_sections} sizes the placeholders
 * {@code .core.plt}, {@code .init.plt}, {@code .got} and {@code .opd} (one byte each in the .ko, made by the
 * module linker script) from upper-bound counts; at relocation time GOT slots are shared by value, descriptors by
 * code address and PLT stubs by target ip within the init or core table the call site picks (reloc-ia64.md §6-7).
 *
 * <p>gp is placed as the 6.1 kernel does: the middle of the core region, or 2 MiB below its end when core is
 * larger than 4 MiB. Small data (including {@code .got}) is laid out last in core, so it stays within reach.
 */
final class Ia64Sections implements ArchSections {
    static final long MAX_LTOFF = 1L << 22;
    /** {@code SHF_IA_64_SHORT}: small data addressed through gp ({@code ARCH_SHF_SMALL}). */
    static final long SHF_IA_64_SHORT = 0x10000000;

    /** brl stub: [MLX] nop.m 0; movl gp=TARGET_GP ;; [MLX] nop.m 0; brl.many TARGET_IP ;; */
    private static final byte[] BRL_STUB = hexBytes("04000000010000000000002000000060" + "050000000100000000000000080000c0");
    /** Merced (CONFIG_ITANIUM) stub: movl r16=TARGET_IP ;; movl gp=TARGET_GP; mov b6=r16; br.few b6 ;; */
    private static final byte[] NO_BRL_STUB = hexBytes("05000000010000000000000002000060"
            + "04000000010000000000002000000060" + "11000000010060800480030060008000");

    private final ObjectFile obj;
    private final boolean brl;
    private final int stubSize;
    private int corePlt = -1;
    private int initPlt = -1;
    private int got = -1;
    private int opd = -1;
    private long corePlts;
    private long initPlts;
    private long gots;
    private long fdescs;

    private PlacedModule module;
    private long gp;
    private final Map<Long, Long> gotSlots = new LinkedHashMap<>(); // value -> slot address
    private final Map<Long, Long> descriptors = new LinkedHashMap<>(); // ip -> descriptor address
    private final Map<Long, Long> coreStubs = new LinkedHashMap<>(); // target ip -> stub address
    private final Map<Long, Long> initStubs = new LinkedHashMap<>();
    private final List<Entry> stubEntries = new ArrayList<>();

    Ia64Sections(ObjectFile obj, boolean brl) {
        this.obj = obj;
        this.brl = brl;
        this.stubSize = brl ? 32 : 48;
    }

    // ---- module_frob_arch_sections ---------------------------------------------------------------------------

    @Override
    public List<Section> adjust(ObjectFile o) {
        for (Section s : o.sections()) {
            switch (s.name()) { // the last section of a name wins, as in the kernel's loop
                case ".core.plt" -> corePlt = s.index();
                case ".init.plt" -> initPlt = s.index();
                case ".got" -> got = s.index();
                case ".opd" -> opd = s.index();
                default -> {}
            }
        }
        List<String> missing = new ArrayList<>();
        if (corePlt < 0) missing.add(".core.plt");
        if (initPlt < 0) missing.add(".init.plt");
        if (got < 0) missing.add(".got");
        if (opd < 0) missing.add(".opd");
        if (!missing.isEmpty()) {
            throw new ModkitException(o.file() + ": sections missing: " + String.join(", ", missing)
                    + " (the ia64 kernel needs all of .core.plt, .init.plt, .got and .opd)",
                    "link the module with the kernel's module linker script (scripts/module.lds), which creates them");
        }
        for (Section rel : o.relocationSections()) {
            if (rel.type() != Section.SHT_RELA) {
                continue;
            }
            count(o.relocations(rel), rel.name().contains(".init"));
        }
        List<Section> out = new ArrayList<>(o.sections());
        out.set(corePlt, resized(o.section(corePlt), Section.SHF_EXECINSTR | Section.SHF_ALLOC, 16, corePlts * stubSize));
        out.set(initPlt, resized(o.section(initPlt), Section.SHF_EXECINSTR | Section.SHF_ALLOC, 16, initPlts * stubSize));
        out.set(got, resized(o.section(got), SHF_IA_64_SHORT | Section.SHF_ALLOC, 8, gots * 8));
        out.set(opd, resized(o.section(opd), Section.SHF_ALLOC, 8, fdescs * 16));
        return out;
    }

    /** count_gots, count_fdescs, count_plts: each distinct (r_info, r_addend) of one section counts once. */
    private void count(RelocTable t, boolean init) {
        Set<List<Long>> seen = new HashSet<>();
        for (int i = 0; i < t.count(); i++) {
            if (!seen.add(List.of((long) t.symbol(i), (long) t.type(i), t.addend(i)))) {
                continue;
            }
            String n = Ia64Relocs.name(t.type(i));
            boolean ltoffFptr = n.startsWith("R_IA64_LTOFF_FPTR");
            if (n.equals("R_IA64_LTOFF22") || n.equals("R_IA64_LTOFF22X") || n.equals("R_IA64_LTOFF64I") || ltoffFptr) {
                gots++;
            }
            if (n.startsWith("R_IA64_FPTR") || ltoffFptr || n.startsWith("R_IA64_IPLT") || n.equals("R_IA64_PCREL21B")) {
                fdescs++;
            }
            if (n.equals("R_IA64_PCREL21B") || n.startsWith("R_IA64_PLTOFF") || n.startsWith("R_IA64_IPLT")) {
                if (init) {
                    initPlts++;
                } else {
                    corePlts++;
                }
            }
        }
    }

    private static Section resized(Section s, long flags, long align, long size) {
        return new Section(s.index(), s.name(), Section.SHT_NOBITS, flags, s.addr(), s.offset(), size, s.link(), s.info(),
                align, s.entsize());
    }

    // ---- after placement ---------------------------------------------------------------------------------------

    @Override
    public void bind(PlacedModule m) {
        this.module = m;
        Region core = core();
        if (core == null) {
            gp = 0;
            return;
        }
        long g = core.size() > MAX_LTOFF ? core.size() - MAX_LTOFF / 2 : core.size() / 2;
        gp = core.address() + ((g + 7) & -8L);
    }

    /** The region gp is chosen in: 6.1's whole core, or 6.4's MOD_DATA. */
    private Region core() {
        for (String name : new String[] {"core", "data"}) {
            for (Region r : module.regions()) {
                if (r.name().equals(name)) {
                    return r;
                }
            }
        }
        return null;
    }

    @Override
    public long gp() {
        return gp;
    }

    @Override
    public boolean gpAddressable(long value) {
        return Long.compareUnsigned(value - gp + MAX_LTOFF / 2, MAX_LTOFF) < 0;
    }

    private boolean inInit(long a) {
        return module.regions().stream().anyMatch(r -> r.isInit() && !r.name().equals("percpu") && r.contains(a));
    }

    private boolean inCore(long a) {
        return module.regions().stream().anyMatch(r -> !r.isInit() && !r.name().equals("percpu") && r.contains(a));
    }

    @Override
    public boolean isInternal(long value) {
        return inInit(value) || inCore(value);
    }

    @Override
    public long regionBase(long value) {
        boolean init = inInit(value);
        for (Region r : module.regions()) {
            if (r.isInit() == init && !r.name().equals("percpu")
                    && (r.name().equals("core") || r.name().equals("init") || r.name().endsWith("text"))) {
                return r.address();
            }
        }
        throw new IllegalStateException("no " + (init ? "init" : "core") + " region");
    }

    @Override
    public long got(long value) {
        Long slot = gotSlots.get(value);
        if (slot != null) {
            return slot;
        }
        long at = (long) gotSlots.size() * 8;
        if (at + 8 > gots * 8) {
            throw new ModkitException(obj.file() + ": more GOT entries than module_frob_arch_sections counted (a damaged"
                    + " relocation table; the kernel's get_plt/get_ltoff/get_fdesc would BUG() here)");
        }
        module.bytes(got).putLong((int) at, value);
        long address = module.address(got) + at;
        gotSlots.put(value, address);
        return address;
    }

    @Override
    public long fptr(long code) {
        if (code == 0) {
            return 0; // the kernel prints "fdesc for zero requested!" and carries on with 0
        }
        if (!isInternal(code)) {
            return code; // outside the module a function's address is its descriptor already
        }
        Long d = descriptors.get(code);
        if (d != null) {
            return d;
        }
        long at = (long) descriptors.size() * 16;
        if (at + 16 > fdescs * 16) {
            throw new ModkitException(obj.file() + ": more function descriptors than module_frob_arch_sections counted (a damaged"
                    + " relocation table; the kernel's get_plt/get_ltoff/get_fdesc would BUG() here)");
        }
        ByteBuffer b = module.bytes(opd);
        b.putLong((int) at, code);
        b.putLong((int) at + 8, gp);
        long address = module.address(opd) + at;
        descriptors.put(code, address);
        return address;
    }

    /** The {ip, gp} behind a descriptor: the module's own, or one in kernel memory. */
    private long[] descriptor(long address) throws FieldOverflow {
        long opdStart = module.address(opd);
        if (Long.compareUnsigned(address - opdStart, (long) descriptors.size() * 16) < 0) {
            ByteBuffer b = module.bytes(opd);
            int at = (int) (address - opdStart);
            return new long[] {b.getLong(at), b.getLong(at + 8)};
        }
        return new long[] {module.read64(address), module.read64(address + 8)};
    }

    @Override
    public long plt(long descriptor, long P) throws FieldOverflow {
        boolean init = inInit(P);
        int sec = init ? initPlt : corePlt;
        long count = init ? initPlts : corePlts;
        Map<Long, Long> stubs = init ? initStubs : coreStubs;
        long[] d = descriptor(descriptor);
        long ip = d[0];
        Long existing = stubs.get(ip);
        if (existing != null) {
            return existing;
        }
        long at = (long) stubs.size() * stubSize;
        if (stubs.size() >= count) {
            throw new ModkitException(obj.file() + ": more PLT entries than module_frob_arch_sections counted (a damaged"
                    + " relocation table; the kernel's get_plt/get_ltoff/get_fdesc would BUG() here)");
        }
        ByteBuffer b = module.bytes(sec);
        long address = module.address(sec) + at;
        int o = (int) at;
        if (brl) {
            b.put(o, BRL_STUB);
            Ia64Bundle.putImm64(b, o, 2, d[1]);
            Ia64Bundle.putImm60(b, o + 16, 2, (ip - (address + 16)) >> 4);
        } else {
            b.put(o, NO_BRL_STUB);
            Ia64Bundle.putImm64(b, o, 2, ip);
            Ia64Bundle.putImm64(b, o + 16, 2, d[1]);
        }
        stubs.put(ip, address);
        stubEntries.add(new Entry("plt", address, stubSize, descriptor, ip));
        return address;
    }

    /**
     * The kernel's PCREL21B rule: a call to another module region (init vs core) goes through a stub if the
     * displacement does not fit; a call out of the module always does; an internal call goes straight.
     */
    @Override
    public long call(long target, long P) throws FieldOverflow {
        if ((inInit(target) && inCore(P)) || (inCore(target) && inInit(P))) {
            long delta = (target - P) / 16;
            if (delta < -(1L << 20) || delta >= (1L << 20)) {
                return plt(fptr(target), P);
            }
            return target;
        }
        if (!isInternal(target)) {
            return plt(target, P);
        }
        return target;
    }

    @Override
    public long exportAddress(long value, boolean function) {
        if (function && isInternal(value)) {
            Long d = descriptors.get(value);
            if (d != null) {
                return d;
            }
        }
        return value;
    }

    @Override
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        if (module == null) {
            return out;
        }
        out.add(new Entry("gp", gp, 0, 0, 0));
        out.addAll(stubEntries);
        gotSlots.forEach((value, address) -> out.add(new Entry("got", address, 8, value, 0)));
        descriptors.forEach((ip, address) -> out.add(new Entry("fdesc", address, 16, ip, ip)));
        return out;
    }

    private static byte[] hexBytes(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
