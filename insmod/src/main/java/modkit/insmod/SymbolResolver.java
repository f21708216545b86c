package modkit.insmod;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import modkit.arch.Arch;
import modkit.elf.ModkitException;
import modkit.elf.ObjectFile;
import modkit.elf.Section;
import modkit.elf.SymbolTable;
import modkit.kernel.KernelProfile;
import modkit.kernel.KernelSymbol;
import modkit.kernel.LoadTransaction;
import modkit.kernel.Taint;

/**
 * The kernel's {@code simplify_symbols}: gives every symbol its final value. Undefined symbols are looked up in
 * vmlinux's exports, then in the exports of loaded modules; each found one passes the GPL, CRC and namespace
 * checks. Every failure is collected, so the user sees all unknown symbols at once.
 */
final class SymbolResolver {
    private final ObjectFile obj;
    private final KernelProfile profile;
    private final Arch arch;
    private final LoadTransaction tx;
    private final boolean proprietary;
    private final Map<String, Long> versions;
    private final Taints taints;
    private final References refs;

    final long[] values;
    final List<ResolvedSymbol> resolved = new ArrayList<>();
    final Set<String> uses = new LinkedHashSet<>();

    SymbolResolver(ObjectFile obj, KernelProfile profile, Arch arch, LoadTransaction tx, Map<String, Long> versions,
            Taints taints, References refs) {
        this.obj = obj;
        this.profile = profile;
        this.arch = arch;
        this.tx = tx;
        this.proprietary = taints.has(Taint.PROPRIETARY_MODULE);
        this.versions = versions;
        this.taints = taints;
        this.refs = refs;
        this.values = new long[obj.symbols().count()];
    }

    void resolve(long[] sectionAddress, long percpuBase) {
        SymbolTable st = obj.symbols();
        List<Integer> unknown = new ArrayList<>();
        List<String> gplOnly = new ArrayList<>();
        List<String> badCrc = new ArrayList<>();
        List<String> badNamespace = new ArrayList<>();
        Set<String> imports = Set.copyOf(obj.modinfo().all("import_ns"));
        for (int i = 1; i < st.count(); i++) {
            int shndx = st.shndx(i);
            if (shndx == SymbolTable.SHN_ABS || shndx == SymbolTable.SHN_LIVEPATCH) {
                values[i] = st.value(i);
            } else if (shndx == SymbolTable.SHN_UNDEF) {
                String name = st.name(i);
                KernelSymbol ks = tx.findSymbol(name);
                if (ks != null && ks.gpl() && proprietary) {
                    gplOnly.add(name); // a proprietary module does not search the _gpl tables at all
                    ks = null;
                }
                if (ks == null) {
                    if (st.isWeak(i) || arch.mayStayUndefined(name)) {
                        values[i] = 0;
                    } else if (!name.isEmpty()) {
                        unknown.add(i);
                    }
                    continue;
                }
                String crcProblem = ModuleChecks.crc(obj, profile, versions, ks, taints);
                if (crcProblem != null) {
                    badCrc.add(crcProblem);
                    continue;
                }
                if (!ks.namespace().isEmpty() && !imports.contains(ks.namespace())
                        && !profile.enabled("CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS")) {
                    badNamespace.add(name + " (namespace " + ks.namespace() + ")");
                    continue;
                }
                if (ks.owner() != null) {
                    uses.add(ks.owner());
                    if (!proprietary && tx.isProprietary(ks.owner())) {
                        taints.add(Taint.PROPRIETARY_MODULE); // inheriting taint from a proprietary exporter
                    }
                }
                values[i] = ks.address();
                resolved.add(new ResolvedSymbol(name, ks.address(), ks.from()));
            } else if (obj.section(shndx).name().equals(".data..percpu")) {
                values[i] = st.value(i) + percpuBase;
            } else {
                values[i] = st.value(i) + sectionAddress[shndx];
            }
        }
        if (!badCrc.isEmpty()) {
            throw new ModkitException(obj.file() + ": disagrees about version of " + plural(badCrc.size(), "symbol") + ": "
                    + String.join(", ", badCrc),
                    "the module was built against another kernel build; rebuild it for " + profile.release()
                            + ", or load it with --force-modversion");
        }
        if (!badNamespace.isEmpty()) {
            String ns = badNamespace.get(0).replaceAll(".*\\(namespace (.*)\\)", "$1");
            throw new ModkitException(obj.file() + ": module uses " + plural(badNamespace.size(), "symbol")
                    + " from a namespace it does not import: " + String.join(", ", badNamespace),
                    "add MODULE_IMPORT_NS(" + ns + ") to the module source and rebuild it");
        }
        if (!unknown.isEmpty()) {
            List<String> parts = new ArrayList<>();
            for (int i : unknown) {
                String where = refs.firstUse(i);
                parts.add(st.name(i) + (where == null ? "" : " " + where));
            }
            String hint = gplOnly.isEmpty() ? unknownHint()
                    : String.join(", ", gplOnly) + (gplOnly.size() == 1 ? " is" : " are")
                            + " exported GPL-only, and this module's licence '" + obj.modinfo().get("license")
                            + "' is not GPL-compatible";
            throw new UnknownSymbols(obj.file() + ": " + plural(unknown.size(), "unknown symbol") + ": "
                    + String.join(", ", parts), obj.file() + ": " + plural(unknown.size(), "unknown symbol"), hint);
        }
    }

    /**
     * Where unknown symbols should come from: the modules it was built against (modpost records them as
     * {@code depends=}), or, if none, nowhere this kernel offers: the module was built for another kernel.
     */
    private String unknownHint() {
        String depends = obj.modinfo().get("depends");
        if (depends != null && !depends.isEmpty()) {
            return "load the modules it was built against first (" + depends.replace(",", ", ") + "), or run: modprobe "
                    + obj.moduleName();
        }
        return "it was built against no other module, and the kernel " + profile.release()
                + " does not export them: rebuild it against this kernel";
    }

    /** The name a message uses for symbol {@code i}: a section symbol is named after its section. */
    static String displayName(ObjectFile obj, int i) {
        SymbolTable st = obj.symbols();
        if (st.type(i) == SymbolTable.STT_SECTION && st.shndx(i) < obj.sectionCount()) {
            Section s = obj.section(st.shndx(i));
            return s.name();
        }
        return st.name(i);
    }

    static String plural(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
