package modkit.testdata.realkernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import modkit.elf.ModuleNames;
import modkit.elf.ObjectFile;
import modkit.elf.Section;
import modkit.elf.SymbolTable;
import modkit.insmod.Insmod;
import modkit.insmod.KernelAddresses;
import modkit.insmod.LinkOptions;
import modkit.insmod.LinkResult;
import modkit.kernel.KernelBackend;
import modkit.kernel.linux.LinuxKernel;
import modkit.testdata.InProcess;

/**
 * Runs inside the guest: loads every corpus module (dependencies first) and the loadable samples into the real
 * kernel, and for each compares the kernel's placement and bytes with modkit's link at the kernel's addresses:
 * every section address (/sys/module/NAME/sections) against the layout, coresize and initsize against its
 * regions, and every byte of the core sections, read from /proc/kcore, against the linked image, outside the
 * sites the kernel patches ({@link PatchSites}); per-cpu data is linked at the per-cpu address kallsyms shows for
 * the module's per-cpu symbols, and that address is reported. Writes WORK/agreement.txt (one line per finding, then TOTAL
 * lines), WORK/sequence.txt (each load attempt and its outcome, for the simulated kernel to replay) and the kernel's
 * state after the sequence (WORK/state/).
 */
public final class AgreementGuest {
    private final Path corpus;
    private final Path symvers;
    private final StringBuilder report = new StringBuilder();
    private final StringBuilder sequence = new StringBuilder();
    private final Map<String, Long> totals = new LinkedHashMap<>();

    private AgreementGuest(Path corpus) {
        this.corpus = corpus;
        this.symvers = corpus.resolve("Module.symvers.gz");
    }

    /** Arguments: the corpus (amd64-6.1), the x86_64 sample objects, the work directory. */
    public static void main(String[] args) throws IOException {
        Path corpus = Path.of(args[0]);
        Path samples = Path.of(args[1]);
        Path work = Path.of(args[2]);
        AgreementGuest g = new AgreementGuest(corpus);
        for (String k : List.of("modules", "sections", "layout_disagreements", "size_disagreements", "strict_bytes",
                "strict_differing", "patched_bytes", "patch_sites", "rewritten_bytes", "writable_bytes", "writable_differing",
                "init_sections_freed")) {
            g.totals.put(k, 0L);
        }
        for (String m : LoadOrder.of(corpus.resolve("expected-kmod/modules.dep"))) {
            g.load(corpus.resolve(m), "");
        }
        // The samples: an exporter and its importers, jump labels, parameters, strings; then two that fail in the
        // kernel: an init that returns -ENODEV, and a proprietary module using a GPL-only symbol, given to the
        // kernel by kmod's insmod (modkit's own check would refuse it before the kernel saw it).
        for (String s : List.of("mk_exporter", "mk_importer", "mk_nsimport", "mk_jumptable", "mk_strings", "mk_percpu")) {
            g.load(samples.resolve(s + ".ko"), "");
        }
        g.load(samples.resolve("mk_params.ko"), "p_int=7 p_string=guest");
        g.load(samples.resolve("mk_failinit.ko"), "");
        g.loadWithKmod(samples.resolve("mk_proprietary.ko"));

        Path state = work.resolve("state");
        Files.createDirectories(state);
        Files.writeString(state.resolve("proc-modules"), GuestShell.run("cat /proc/modules").output());
        Files.writeString(state.resolve("tainted"), GuestShell.run("cat /proc/sys/kernel/tainted").output());
        Files.writeString(state.resolve("lsmod"), GuestShell.run("lsmod").output());
        g.totals.forEach((k, v) -> g.report.append("TOTAL ").append(k).append(' ').append(v).append('\n'));
        Files.writeString(work.resolve("agreement.txt"), g.report);
        Files.writeString(work.resolve("sequence.txt"), g.sequence);
        Files.writeString(work.resolve("done"), "ok\n");
    }

    private void load(Path file, String params) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("insmod", "--backend", "linux", "--symvers", symvers.toString(), file.toString()));
        if (!params.isEmpty()) {
            cmd.addAll(List.of(params.split(" ")));
        }
        String out = InProcess.run(cmd).trim();
        sequence.append("modkit ").append(file).append(params.isEmpty() ? "" : " " + params).append(" -> ")
                .append(out.isEmpty() ? "ok" : out.lines().findFirst().orElse("")).append('\n');
        String name = ModuleNames.fromPath(file.toString());
        if (out.isEmpty()) {
            compare(file, name, params);
        }
    }

    private void loadWithKmod(Path file) {
        String out = GuestShell.run("insmod " + file).output().trim(); // kmod, called by the name it answers to
        sequence.append("kmod ").append(file).append(" -> ").append(out.isEmpty() ? "ok" : out.lines().findFirst().orElse(""))
                .append('\n');
    }

    /** The kernel's placement and bytes of a loaded module against modkit's link at the kernel's addresses. */
    private void compare(Path file, String name, String params) throws IOException {
        Path sysfs = Path.of("/sys/module", name, "sections");
        KernelAddresses listed = KernelAddresses.readSections(sysfs);
        ObjectFile obj = ObjectFile.read(file);
        Map<String, Long> at = new LinkedHashMap<>();
        Long percpu = percpuBase(obj, name);
        if (percpu != null) {
            at.put("percpu", percpu);
            report.append("PERCPU ").append(name).append(" 0x").append(Long.toHexString(percpu)).append('\n');
        }
        KernelAddresses where = new KernelAddresses(at, listed.sections());
        LinkResult r;
        try (KernelBackend k = LinuxKernel.open(symvers)) {
            r = Insmod.run(obj, k, new LinkOptions(false, false, params, where), true, w -> {}).link();
        }
        add("modules", 1);
        add("sections", listed.sections().size());
        for (String d : where.disagreements(r)) {
            add("layout_disagreements", 1);
            report.append("LAYOUT ").append(name).append(' ').append(d).append('\n');
        }
        Set<String> placed = new LinkedHashSet<>();
        r.sections().forEach(s -> placed.add(s.name()));
        for (String s : listed.sections().keySet()) {
            if (!placed.contains(s)) {
                add("layout_disagreements", 1);
                report.append("LAYOUT ").append(name).append(' ').append(s).append(": placed by the kernel, not by modkit\n");
            }
        }
        sizes(name, r);
        bytes(name, r);
    }

    /** /sys/module/NAME/coresize and initsize against the regions of the link. */
    private void sizes(String name, LinkResult r) throws IOException {
        long core = r.region("core") == null ? 0 : r.region("core").size();
        long init = r.region("init") == null ? 0 : r.region("init").size();
        long kcore = Long.parseLong(Files.readString(Path.of("/sys/module", name, "coresize")).trim());
        long kinit = Long.parseLong(Files.readString(Path.of("/sys/module", name, "initsize")).trim());
        report.append("SIZE ").append(name).append(" coresize ").append(kcore).append(" modkit ").append(core)
                .append(" initsize(after init) ").append(kinit).append(" modkit init ").append(init).append('\n');
        if (kcore != core) {
            add("size_disagreements", 1);
            report.append("SIZE-DIFFERS ").append(name).append(" coresize\n");
        }
    }

    private void bytes(String name, LinkResult r) throws IOException {
        TreeMap<Long, PatchSites.Site> sites = new TreeMap<>(Long::compareUnsigned);
        for (PatchSites.Site s : PatchSites.of(r)) {
            sites.put(s.address(), s);
        }
        try (Kcore kcore = new Kcore(Path.of("/proc/kcore"))) {
            for (LinkResult.PlacedSection s : r.sections()) {
                if (s.size() == 0) {
                    continue;
                }
                if (s.region().startsWith("init")) {
                    add("init_sections_freed", 1);
                    continue;
                }
                byte[] ours = r.sectionBytes(s);
                byte[] theirs = kcore.read(s.address(), ours.length);
                String rewritten = PatchSites.REWRITTEN.get(s.name());
                if (rewritten != null) {
                    add("rewritten_bytes", ours.length);
                    add("rewritten:" + s.name(), ours.length);
                    continue;
                }
                Section sec = r.object().section(s.index());
                boolean writable = (sec.flags() & Section.SHF_WRITE) != 0;
                long differing = 0;
                long compared = 0;
                long patched = 0;
                int patchSites = 0;
                long firstDiff = -1;
                for (int i = 0; i < ours.length; i++) {
                    long a = s.address() + i;
                    Map.Entry<Long, PatchSites.Site> site = sites.floorEntry(a);
                    if (!writable && site != null && a - site.getKey() < site.getValue().length()) {
                        patched++;
                        add("patched:" + site.getValue().table(), 1);
                        if (ours[i] != theirs[i]) {
                            add("patched_and_changed:" + site.getValue().table(), 1); // what the kernel did rewrite
                        }
                        if (a == site.getKey()) {
                            patchSites++;
                            add("sites:" + site.getValue().table(), 1);
                        }
                        continue;
                    }
                    compared++;
                    if (ours[i] != theirs[i]) {
                        differing++;
                        firstDiff = firstDiff < 0 ? i : firstDiff;
                    }
                }
                if (writable) {
                    add("writable_bytes", compared);
                    add("writable_differing", differing);
                } else {
                    add("strict_bytes", compared);
                    add("strict_differing", differing);
                    add("patched_bytes", patched);
                    add("patch_sites", patchSites);
                }
                if (differing > 0) {
                    report.append(writable ? "WRITTEN " : "BYTES-DIFFER ").append(name).append(' ').append(s.name())
                            .append(' ').append(differing).append(" of ").append(ours.length).append(" bytes, first at +0x")
                            .append(Long.toHexString(firstDiff)).append('\n');
                }
            }
        }
    }

    /** The module's per-cpu base: a per-cpu symbol's address in kallsyms less its offset in .data..percpu. */
    private static Long percpuBase(ObjectFile obj, String module) throws IOException {
        Section percpu = obj.anySection(".data..percpu");
        if (percpu == null || percpu.size() == 0) {
            return null;
        }
        Map<String, Long> syms = new HashMap<>();
        String tag = "\t[" + module + "]";
        for (String line : Files.readAllLines(Path.of("/proc/kallsyms"), StandardCharsets.UTF_8)) {
            if (line.endsWith(tag)) {
                String[] f = line.substring(0, line.length() - tag.length()).split(" ");
                syms.putIfAbsent(f[2], Long.parseUnsignedLong(f[0], 16));
            }
        }
        SymbolTable st = obj.symbols();
        for (int i = 1; i < st.count(); i++) {
            Long at = st.shndx(i) == percpu.index() && st.hasName(i) ? syms.get(st.name(i)) : null;
            if (at != null) {
                return at - st.value(i);
            }
        }
        return null;
    }

    private void add(String key, long n) {
        totals.merge(key, n, Long::sum);
    }
}
