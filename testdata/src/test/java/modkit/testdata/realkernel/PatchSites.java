package modkit.testdata.realkernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import modkit.insmod.LinkResult;

/**
 * The places an x86_64 6.1 kernel patches in a module's code after {@code apply_relocate_add}, read from the
 * module's own tables in an image linked at the kernel's addresses (each table entry points at its site):
 * alternatives ({@code apply_alternatives}), paravirt calls ({@code apply_paravirt}), retpoline and return-thunk
 * sites ({@code apply_retpolines}, {@code apply_returns}), ftrace's {@code __fentry__} calls
 * ({@code ftrace_module_init}), jump labels, static calls, SMP lock prefixes and IBT ENDBR seals. And the tables
 * the kernel rewrites as a whole: it sorts {@code __ex_table}, the ORC tables, {@code __jump_table} and
 * {@code .static_call_sites} (marking init entries in the last two), and fills {@code struct module}.
 */
final class PatchSites {
    /** One patched site: {@code length} bytes at {@code address}, found through {@code table}. */
    record Site(long address, int length, String table) {}

    /** Sections the kernel rewrites as a whole, with why (their entries still name the sites above). */
    static final Map<String, String> REWRITTEN = Map.of(
            "__ex_table", "sorted by the kernel (sort_extable)",
            ".orc_unwind", "sorted by the kernel (unwind_module_init)",
            ".orc_unwind_ip", "sorted by the kernel (unwind_module_init)",
            "__jump_table", "sorted, init entries marked (jump_label_add_module)",
            ".static_call_sites", "sorted, init entries marked (static_call_add_module)",
            ".gnu.linkonce.this_module", "struct module, filled in by the loader",
            "__mcount_loc", "sorted by ftrace (ftrace_process_locs)");

    private final LinkResult link;

    private PatchSites(LinkResult link) {
        this.link = link;
    }

    static List<Site> of(LinkResult link) {
        PatchSites p = new PatchSites(link);
        List<Site> out = new ArrayList<>();
        p.entries(".altinstructions", 12, (e, at) -> out.add(new Site(at + e.getInt(0), e.get(10) & 0xff, ".altinstructions")));
        p.entries(".parainstructions", 16, (e, at) -> out.add(new Site(e.getLong(0), e.get(9) & 0xff, ".parainstructions")));
        p.entries(".retpoline_sites", 4, (e, at) -> {
            long site = at + e.getInt(0);
            out.add(new Site(site, p.branchLength(site), ".retpoline_sites"));
        });
        p.entries(".return_sites", 4, (e, at) -> {
            long site = at + e.getInt(0);
            out.add(new Site(site, p.branchLength(site), ".return_sites"));
        });
        p.entries("__mcount_loc", 8, (e, at) -> out.add(new Site(e.getLong(0), 5, "__mcount_loc")));
        p.entries("__jump_table", 16, (e, at) -> {
            long site = at + e.getInt(0);
            out.add(new Site(site, p.jumpLength(site), "__jump_table"));
        });
        p.entries(".static_call_sites", 8, (e, at) -> out.add(new Site(at + e.getInt(0), 5, ".static_call_sites")));
        p.entries(".smp_locks", 4, (e, at) -> out.add(new Site(at + e.getInt(0), 1, ".smp_locks")));
        p.entries(".ibt_endbr_seal", 4, (e, at) -> out.add(new Site(at + e.getInt(0), 4, ".ibt_endbr_seal")));
        return out;
    }

    private interface Entry {
        void accept(ByteBuffer entry, long address);
    }

    private void entries(String table, int size, Entry each) {
        for (LinkResult.PlacedSection s : link.sections()) {
            if (!s.name().equals(table)) {
                continue;
            }
            ByteBuffer b = ByteBuffer.wrap(link.sectionBytes(s)).order(ByteOrder.LITTLE_ENDIAN);
            for (int off = 0; off + size <= b.capacity(); off += size) {
                each.accept(b.slice(off, size).order(ByteOrder.LITTLE_ENDIAN), s.address() + off);
            }
        }
    }

    /** A call/jmp rel32 (5 bytes) or a jcc rel32 (6). */
    private int branchLength(long site) {
        int b = byteAt(site);
        return b == 0x0f ? 6 : 5;
    }

    /** A jump label site: jmp8 or its 2-byte NOP, else jmp32 or its 5-byte NOP. */
    private int jumpLength(long site) {
        int b = byteAt(site);
        return b == 0xeb || (b == 0x66 && byteAt(site + 1) == 0x90) ? 2 : 5;
    }

    private int byteAt(long address) {
        for (LinkResult.PlacedSection s : link.sections()) {
            long off = address - s.address();
            if (off >= 0 && off < s.size()) {
                return link.region(s.region()).bytes()[(int) (s.offset() + off)] & 0xff;
            }
        }
        return -1;
    }
}
