package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import modkit.elf.ObjectFile;
import modkit.elf.RelocTable;
import modkit.elf.Section;
import modkit.elf.SymbolTable;
import modkit.insmod.LinkResult;
import modkit.kernel.KernelSymbol;
import modkit.testdata.Ia64ObjdumpCheckTest.Counts;
import modkit.testdata.Ia64ObjdumpCheckTest.Dump;
import modkit.testdata.Ia64ObjdumpCheckTest.World;

/**
 * The per-relocation checks of {@link Ia64ObjdumpCheckTest} for one module: what objdump shows at each relocated
 * place against what the relocation's symbol is, by the psABI formula of its type (reloc-ia64.md §4). gp is
 * recomputed with the kernel's formula from the core region of the map.
 */
final class Ia64ModuleCheck {
    private static final Pattern BRANCH = Pattern.compile("br[l]?\\.\\S+\\s+(?:b\\d=)?0x([0-9a-f]+)(;;)?$");
    private static final Pattern ADDL = Pattern.compile("(?:addl r\\d+=(-?\\d+),r(\\d+)|mov r\\d+=(-?\\d+))(;;)?$");
    private static final Pattern MOVL = Pattern.compile("movl r(\\d+)=0x([0-9a-f]+)(;;)?$");

    private final World w;
    private final String name;
    private final LinkResult r;
    private final Dump d;
    private final Counts c;
    private final ObjectFile obj;
    private final long gp;

    Ia64ModuleCheck(World w, String name, Counts c) {
        this.w = w;
        this.name = name;
        this.r = w.results.get(name);
        this.d = w.dumps.get(name);
        this.c = c;
        this.obj = r.object();
        this.gp = gpOf(r);
    }

    /** The 6.1 kernel's gp: middle of core, or 2 MiB below its end when core exceeds 4 MiB; 8-aligned. */
    static long gpOf(LinkResult r) {
        var core = r.region("core");
        long g = core.size() > (1 << 22) ? core.size() - (1 << 21) : core.size() / 2;
        return core.address() + ((g + 7) & -8L);
    }

    void run() {
        for (Section rel : obj.relocationSections()) {
            RelocTable t = obj.relocations(rel);
            LinkResult.PlacedSection target = placed(t.target().index());
            if (target == null) {
                continue; // not loaded (debug info, .modinfo, __versions): the kernel skips it too
            }
            for (int i = 0; i < t.count(); i++) {
                long P = target.address() + t.offset(i);
                String where = name + ":" + t.target().at(t.offset(i)) + " type 0x" + Integer.toHexString(t.type(i)) + " against "
                        + obj.symbols().name(t.symbol(i));
                check(t.type(i), P, t.symbol(i), t.addend(i), target, where);
                c.relocations++;
            }
        }
    }

    private void check(int type, long P, int sym, long A, LinkResult.PlacedSection sec, String where) {
        long S = value(sym);
        long B = P & ~0xfL;
        switch (type) {
            case 0x49, 0x79 -> { // PCREL21B, PCREL21BI
                long T = branchTarget(P, where);
                c.branches++;
                if (inPlt(T)) {
                    assertEquals(inInit(P), inInit(T), where + ": stub in the other region's PLT");
                    stub(T, sym, A, where);
                } else {
                    assertEquals(S + A, T, where + ": direct branch target");
                }
            }
            case 0x48 -> { // PCREL60B
                assertEquals(S + A, branchTarget(B + 1, where), where);
                c.branches++;
            }
            case 0x22 -> assertEquals(S + A, addl(P, 0, where), where); // IMM22
            case 0x7a -> assertEquals(S + A - B, addl(P, 0, where), where); // PCREL22
            case 0x2a -> assertEquals(S + A - gp, addl(P, 1, where), where); // GPREL22
            case 0x32 -> gotHolds(gp + addl(P, 1, where), S + A, where); // LTOFF22
            case 0x86 -> { // LTOFF22X
                long v = addl(P, 1, where);
                if (gpAddressable(S + A)) {
                    assertEquals(S + A - gp, v, where + ": gp-addressable, so gp-relative");
                } else {
                    gotHolds(gp + v, S + A, where);
                }
            }
            case 0x87 -> { // LDXMOV
                String text = text(P, where);
                assertTrue(gpAddressable(S + A) ? text.matches("add r\\d+=r0,r\\d+(;;)?") : text.startsWith("ld8"),
                        where + ": " + text);
            }
            case 0x52 -> descriptor(w.read64(gp + addl(P, 1, where)), sym, A, where); // LTOFF_FPTR22
            case 0x23 -> assertEquals(S + A, movl(B, where), where); // IMM64
            case 0x2b -> assertEquals(S + A - gp, movl(B, where), where); // GPREL64I
            case 0x33 -> gotHolds(gp + movl(B, where), S + A, where); // LTOFF64I
            case 0x3b -> stub(movl(B, where), sym, A, where); // PLTOFF64I
            case 0x43 -> descriptor(movl(B, where), sym, A, where); // FPTR64I
            case 0x53 -> descriptor(w.read64(gp + movl(B, where)), sym, A, where); // LTOFF_FPTR64I
            case 0x7b -> assertEquals(S + A - B, movl(B, where), where); // PCREL64I
            case 0x85 -> assertEquals(A - S, movl(B, where), where); // SUB
            case 0x25, 0x5d -> assertEquals((int) (S + A), word32(P), where); // DIR32LSB, SEGREL32LSB
            case 0x27, 0x5f -> assertEquals(S + A, word64(P), where); // DIR64LSB, SEGREL64LSB
            case 0x2d -> assertEquals((int) (S + A - gp), word32(P), where); // GPREL32LSB
            case 0x2f -> assertEquals(S + A - gp, word64(P), where); // GPREL64LSB
            case 0x3f -> stub(word64(P), sym, A, where); // PLTOFF64LSB
            case 0x45 -> { // FPTR32LSB: only a pointer outside the module fits
                assertTrue(!internal(S + A), where);
                assertEquals((int) (S + A), word32(P), where);
                c.descriptors++;
            }
            case 0x47 -> descriptor(word64(P), sym, A, where); // FPTR64LSB
            case 0x4d -> assertEquals((int) (S + A - P), word32(P), where); // PCREL32LSB
            case 0x4f -> assertEquals(S + A - P, word64(P), where); // PCREL64LSB
            case 0x55 -> descriptor(w.read64(gp + word32(P)), sym, A, where); // LTOFF_FPTR32LSB
            case 0x57 -> descriptor(w.read64(gp + word64(P)), sym, A, where); // LTOFF_FPTR64LSB
            case 0x65 -> assertEquals((int) (S + A - sec.address()), word32(P), where); // SECREL32LSB
            case 0x67 -> assertEquals(S + A - sec.address(), word64(P), where); // SECREL64LSB
            case 0x6d -> assertEquals((int) (S + A - regionBase(S + A)), word32(P), where); // REL32LSB
            case 0x6f -> assertEquals(S + A - regionBase(S + A), word64(P), where); // REL64LSB
            case 0x81 -> { // IPLTLSB: a descriptor {stub, gp} of this module
                long D = word64(P);
                assertTrue(inSection(D, ".opd"), where + ": IPLT descriptor outside .opd");
                assertEquals(gp, w.read64(D + 8), where);
                stub(w.read64(D), sym, A, where);
                c.descriptors++;
            }
            default -> throw new AssertionError(where + ": no check for this type");
        }
        if (type == 0x25 || type == 0x27 || type == 0x2d || type == 0x2f || type == 0x4d || type == 0x4f || type == 0x5d
                || type == 0x5f || type == 0x65 || type == 0x67 || type == 0x6d || type == 0x6f) {
            c.words++;
        }
    }

    // ---- what the symbol is ------------------------------------------------------------------------------------

    /** S: section address (from the map) + st_value, or the exporter's value for an undefined symbol. */
    private long value(int sym) {
        SymbolTable st = obj.symbols();
        int shndx = st.shndx(sym);
        if (sym == 0) {
            return 0;
        }
        if (shndx == SymbolTable.SHN_ABS) {
            return st.value(sym);
        }
        if (shndx == SymbolTable.SHN_UNDEF) {
            return external(st.name(sym)).value;
        }
        if (obj.section(shndx).name().equals(".data..percpu")) {
            return r.region("percpu").address() + st.value(sym);
        }
        LinkResult.PlacedSection s = placed(shndx);
        assertTrue(s != null, name + ": symbol " + st.name(sym) + " in a section that is not loaded");
        return s.address() + st.value(sym);
    }

    /** An undefined symbol: its value (a function's descriptor), the code it runs and the gp it runs with. */
    record External(long value, long code, long gp, boolean function) {}

    private External external(String sym) {
        String exporter = w.exporterOf.get(sym);
        if (exporter != null && w.results.containsKey(exporter) && !exporter.equals(name)) {
            LinkResult x = w.results.get(exporter);
            ObjectFile xo = x.object();
            SymbolTable st = xo.symbols();
            int i = st.find(sym);
            long code = x.sections().stream().filter(p -> p.index() == st.shndx(i)).findFirst().orElseThrow().address()
                    + st.value(i);
            if (st.type(i) != SymbolTable.STT_FUNC) {
                return new External(code, code, 0, false);
            }
            // The export of a module function is one of its own descriptors, {code, its gp}.
            LinkResult.PlacedSection opd = x.sections().stream().filter(p -> p.name().equals(".opd")).findFirst().orElseThrow();
            for (long a = opd.address(); a < opd.address() + opd.size(); a += 16) {
                if (w.read64(a) == code) {
                    return new External(a, code, gpOf(x), true);
                }
            }
            throw new AssertionError(exporter + " has no descriptor for its export " + sym);
        }
        KernelSymbol k = w.profile.symbols().get(sym);
        assertTrue(k != null, name + ": " + sym + " is exported by neither vmlinux nor a loaded module");
        long[] desc = w.profile.symbols().descriptors().get(k.address());
        if (desc == null) {
            Long map = w.kernelCode.apply(sym);
            assertEquals(map == null ? k.address() : map, k.address(), sym + ": profile address vs System.map");
            return new External(k.address(), k.address(), 0, false);
        }
        return new External(k.address(), w.kernelCode.apply(sym), w.kernelGp, true);
    }

    /** A function pointer D for symbol + A: a module-local descriptor {S + A, gp}, or the exporter's descriptor. */
    private void descriptor(long D, int sym, long A, String where) {
        c.descriptors++;
        SymbolTable st = obj.symbols();
        if (st.isUndefined(sym)) {
            External e = external(st.name(sym));
            if (e.value == 0 && st.isWeak(sym)) {
                assertEquals(0, D, where);
                return;
            }
            assertEquals(e.value + A, D, where + ": an outside function's pointer is its descriptor");
            assertEquals(e.code, w.read64(D), where + ": descriptor ip");
            assertEquals(e.gp, w.read64(D + 8), where + ": descriptor gp");
            return;
        }
        assertTrue(inSection(D, ".opd"), where + ": descriptor 0x" + Long.toHexString(D) + " outside .opd");
        assertEquals(value(sym) + A, w.read64(D), where + ": descriptor ip");
        assertEquals(gp, w.read64(D + 8), where + ": descriptor gp");
    }

    /** A PLT stub: [MLX] movl r1=GP ;; [MLX] brl.many IP — IP and GP those of the callee. */
    private void stub(long T, int sym, long A, String where) {
        assertTrue(inPlt(T), where + ": 0x" + Long.toHexString(T) + " is not in a PLT");
        c.stubs++;
        Matcher g = MOVL.matcher(text(T + 1, where));
        assertTrue(g.find() && g.group(1).equals("1"), where + ": stub does not load gp: " + text(T + 1, where));
        long stubGp = Long.parseUnsignedLong(g.group(2), 16);
        long ip = branchTarget(T + 16 + 1, where);
        SymbolTable st = obj.symbols();
        if (st.isUndefined(sym)) {
            External e = external(st.name(sym));
            assertEquals(e.code, ip, where + ": stub branches to the callee's code");
            assertEquals(e.gp, stubGp, where + ": stub loads the callee's gp");
        } else {
            assertEquals(value(sym) + A, ip, where + ": stub to a module function");
            assertEquals(gp, stubGp, where);
        }
    }

    private void gotHolds(long slot, long value, String where) {
        assertTrue(inSection(slot, ".got"), where + ": GOT slot 0x" + Long.toHexString(slot) + " outside .got");
        assertEquals(value, w.read64(slot), where + ": GOT entry");
        c.got++;
    }

    // ---- what objdump shows -----------------------------------------------------------------------------------

    private String text(long bundleSlot, String where) {
        String t = d.slotText.get(bundleSlot);
        assertTrue(t != null, where + ": objdump shows no instruction at 0x" + Long.toHexString(bundleSlot));
        return t.replaceFirst("^\\(p\\d+\\)\\s*", "");
    }

    private long branchTarget(long at, String where) {
        Matcher m = BRANCH.matcher(text(at, where));
        assertTrue(m.find(), where + ": not a branch: " + text(at, where));
        return Long.parseUnsignedLong(m.group(1), 16);
    }

    /** The immediate of "addl rX=IMM,rB" (or "mov rX=IMM", objdump's spelling of addl with r0); checks rB. */
    private long addl(long at, int base, String where) {
        Matcher m = ADDL.matcher(text(at, where));
        assertTrue(m.find(), where + ": not an addl: " + text(at, where));
        c.addl++;
        if (m.group(1) != null) {
            assertEquals(String.valueOf(base), m.group(2), where + ": addl base register");
            return Long.parseLong(m.group(1));
        }
        assertEquals(0, base, where + ": mov from r0 where a gp-relative addl was expected");
        return Long.parseLong(m.group(3));
    }

    private long movl(long bundle, String where) {
        Matcher m = MOVL.matcher(text(bundle + 1, where));
        assertTrue(m.find(), where + ": not a movl: " + text(bundle + 1, where));
        c.movl++;
        return Long.parseUnsignedLong(m.group(2), 16);
    }

    private long word64(long P) {
        return w.read64(P);
    }

    private int word32(long P) {
        long aligned = P & ~7L;
        return (int) (w.read64(aligned) >>> (8 * (P - aligned)));
    }

    // ---- where things are --------------------------------------------------------------------------------------

    private LinkResult.PlacedSection placed(int index) {
        return r.sections().stream().filter(p -> p.index() == index).findFirst().orElse(null);
    }

    private boolean inSection(long a, String section) {
        return r.sections().stream().anyMatch(p -> p.name().equals(section) && Long.compareUnsigned(a - p.address(), p.size()) < 0);
    }

    private boolean inPlt(long a) {
        return inSection(a, ".core.plt") || inSection(a, ".init.plt");
    }

    private boolean inInit(long a) {
        var init = r.region("init");
        return init != null && Long.compareUnsigned(a - init.address(), init.size()) < 0;
    }

    private boolean internal(long a) {
        var core = r.region("core");
        return inInit(a) || Long.compareUnsigned(a - core.address(), core.size()) < 0;
    }

    private long regionBase(long a) {
        return inInit(a) ? r.region("init").address() : r.region("core").address();
    }

    private boolean gpAddressable(long v) {
        return Long.compareUnsigned(v - gp + (1 << 21), 1 << 22) < 0;
    }
}
