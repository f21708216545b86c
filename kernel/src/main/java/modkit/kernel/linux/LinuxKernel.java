package modkit.kernel.linux;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import modkit.elf.Compression;
import modkit.elf.ModkitException;
import modkit.elf.ObjectFile;
import modkit.kernel.Errno;
import modkit.kernel.FileBackend;
import modkit.kernel.KernelException;
import modkit.kernel.KernelProfile;
import modkit.kernel.KernelSymbol;
import modkit.kernel.LoadTransaction;
import modkit.kernel.LoadedModule;
import modkit.kernel.ModuleImage;
import modkit.kernel.ModuleState;
import modkit.kernel.Taint;

/**
 * The running Linux kernel as a backend. Its state is read where the kernel shows it (/proc/modules,
 * /sys/module, /proc/kallsyms, /proc/sys/kernel/tainted) and changed by the module system calls
 * ({@link ModuleSyscalls}). The kernel links modules itself; modkit's part is the check before: the linker's
 * checks and a dry link against the live exports ({@link #preflight}), so a refusal names every problem it can.
 */
public final class LinuxKernel implements FileBackend {
    private final SystemFiles sys;
    private final Path symvers;
    private ModuleSyscalls calls;
    private LiveProfile live;
    private String exportsOf;
    private List<KernelSymbol> exports;

    LinuxKernel(SystemFiles sys, ModuleSyscalls calls, Path symvers) {
        this.sys = sys;
        this.calls = calls;
        this.symvers = symvers;
    }

    /**
     * The running kernel. {@code symvers}: its Module.symvers, or null to look in the usual places. {@code sysroot}:
     * the directory /proc, /sys and /lib/modules are under, or null for the real ones (or, for tests, the system
     * property {@code modkit.linux.root}).
     */
    public static LinuxKernel open(Path symvers, Path sysroot) {
        String property = System.getProperty("modkit.linux.root");
        Path root = sysroot != null ? sysroot : property != null ? Path.of(property) : null;
        return new LinuxKernel(root == null ? SystemFiles.REAL : new SystemFiles(root), null, symvers);
    }

    /** {@link #open(Path, Path)} on the real /proc and /sys. */
    public static LinuxKernel open(Path symvers) {
        return open(symvers, null);
    }

    private ModuleSyscalls calls() {
        if (calls == null) {
            calls = LinuxSyscalls.forThisMachine();
        }
        return calls;
    }

    @Override
    public String name() {
        return "linux";
    }

    @Override
    public KernelProfile profile() {
        return live().profile();
    }

    @Override
    public String arch() {
        return LiveProfile.machine(sys);
    }

    /** uname -r, without reading the whole profile (modprobe's query modes need only this). */
    @Override
    public String release() {
        String r = sys.value("/proc/sys/kernel/osrelease");
        return r != null && !r.isEmpty() ? r : profile().release();
    }

    @Override
    public List<String> notes() {
        return live().notes();
    }

    private LiveProfile live() {
        if (live == null) {
            procModules(); // a kernel without modules says so, rather than a missing kallsyms line
            live = LiveProfile.read(sys, symvers);
        }
        return live;
    }

    private String procModules() {
        String text = sys.read("/proc/modules");
        if (text == null) {
            throw new KernelException("ENOSYS", "the running kernel has no module support (no " + sys.path("/proc/modules") + ")",
                    "use the simulated kernel: --backend sim");
        }
        return text;
    }

    /**
     * /proc/modules, newest first: "NAME SIZE REFS USERS STATE ADDRESS [(FLAGS)]", the users in the kernel's order
     * (newest first). The core size comes from /sys/module/NAME/coresize, as kmod's lsmod reads it.
     */
    @Override
    public List<LoadedModule> modules() {
        return modules(procModules());
    }

    private List<LoadedModule> modules(String procModules) {
        List<LoadedModule> out = new ArrayList<>();
        for (String line : procModules.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(" ");
            if (f.length < 6) {
                throw new ModkitException(sys.path("/proc/modules") + ": unexpected line '" + line + "'");
            }
            String name = f[0];
            long size = Long.parseLong(f[1]);
            int refcnt = f[2].equals("-") ? 0 : Integer.parseInt(f[2]);
            boolean permanent = f[3].contains("[permanent]");
            List<String> holders = new ArrayList<>();
            for (String u : f[3].split(",")) {
                if (!u.isEmpty() && !u.equals("-") && !u.startsWith("[")) {
                    holders.add(u);
                }
            }
            ModuleState state = switch (f[4]) {
                case "Loading" -> ModuleState.COMING;
                case "Unloading" -> ModuleState.GOING;
                default -> ModuleState.LIVE;
            };
            long address = Long.parseUnsignedLong(f[5].replaceFirst("^0x", ""), 16);
            String taints = f.length > 6 ? f[6].replaceAll("[()+\\-]", "") : "";
            long core = number("/sys/module/" + name + "/coresize", size);
            long init = number("/sys/module/" + name + "/initsize", 0);
            out.add(new LoadedModule(name, state, address, size, core, init, refcnt, List.copyOf(holders), taints, true,
                    !permanent, null));
        }
        return out;
    }

    private long number(String file, long otherwise) {
        String v = sys.value(file);
        try {
            return v == null ? otherwise : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** /proc/sys/kernel/tainted as letters. */
    @Override
    public String taints() {
        return Taint.letters(number("/proc/sys/kernel/tainted", 0));
    }

    /**
     * The exports of loaded modules, from their {@code __ksymtab_} entries in /proc/kallsyms, newest module first.
     * GPL-only where the entry lies in the module's {@code __ksymtab_gpl} section (/sys/module/NAME/sections).
     * Their CRCs and namespaces are not shown by the kernel, so those checks are the kernel's.
     */
    @Override
    public List<KernelSymbol> moduleExports() {
        String now = procModules();
        if (exports != null && now.equals(exportsOf)) {
            return exports;
        }
        Kallsyms k = Kallsyms.read(sys.path("/proc/kallsyms"), true);
        List<KernelSymbol> out = new ArrayList<>();
        for (LoadedModule m : modules(now)) {
            Kallsyms.ModuleSymbols s = k.modules.get(m.name());
            if (s == null || s.exports.isEmpty()) {
                continue;
            }
            TreeMap<Long, String> sections = k.addressesVisible ? sections(m.name()) : new TreeMap<>();
            s.exports.forEach((name, entry) -> {
                Map.Entry<Long, String> in = sections.floorEntry(entry);
                boolean gpl = in != null && in.getValue().equals("__ksymtab_gpl");
                out.add(new KernelSymbol(name, s.symbols.getOrDefault(name, 0L), null, gpl, "", m.name()));
            });
        }
        exports = List.copyOf(out);
        exportsOf = now;
        return exports;
    }

    /** /sys/module/NAME/sections: start address to section name. */
    private TreeMap<Long, String> sections(String module) {
        TreeMap<Long, String> out = new TreeMap<>(Long::compareUnsigned);
        for (String s : sys.list("/sys/module/" + module + "/sections")) {
            String v = sys.value("/sys/module/" + module + "/sections/" + s);
            if (v != null && v.startsWith("0x")) {
                out.put(Long.parseUnsignedLong(v.substring(2), 16), s);
            }
        }
        return out;
    }

    /** /sys/module/NAME/parameters: the parameters sysfs shows (those with permission 0 it does not show at all). */
    @Override
    public Map<String, String> parameters(String module, boolean all) {
        if (!sys.exists("/sys/module/" + module)) {
            throw new KernelException("ENOENT", "Module " + module + " is not currently loaded", null);
        }
        Map<String, String> out = new TreeMap<>();
        for (String p : sys.list("/sys/module/" + module + "/parameters")) {
            String v = sys.read("/sys/module/" + module + "/parameters/" + p);
            out.put(p, v == null ? "(not readable)" : v.endsWith("\n") ? v.substring(0, v.length() - 1) : v);
        }
        return new LinkedHashMap<>(out);
    }

    /** {@code delete_module}, after kmod's checks: loaded, not held by another module, no references (unless forced). */
    @Override
    public void unload(String name, boolean force, boolean wait) {
        ModulePermission.check(sys, "remove modules");
        LoadedModule m = find(name);
        if (m == null) {
            throw new KernelException("ENOENT", "Module " + name + " is not currently loaded", null);
        }
        if (!m.holders().isEmpty()) {
            throw new KernelException("EWOULDBLOCK", "Module " + name + " is in use by: " + String.join(" ", m.holders()),
                    "remove its users first: rmmod " + String.join(" ", m.holders()) + " " + name);
        }
        while (wait && m != null && m.refcnt() > 0) {
            sleep();
            m = find(name);
        }
        if (m == null) {
            return; // removed by someone else while we waited
        }
        if (m.refcnt() > 0 && !force) {
            throw new KernelException("EWOULDBLOCK", "Module " + name + " is in use (" + m.refcnt() + " reference"
                    + (m.refcnt() == 1 ? "" : "s") + " held)", "rmmod -w waits for the references to be dropped");
        }
        try (ModuleSyscalls.KernelLog log = calls().openLog()) {
            int rc = calls().deleteModule(name, force);
            if (rc < 0) {
                Errno e = Errno.byNumber(-rc);
                String why = switch (e.name()) {
                    case "ENOENT" -> "Module " + name + " is not currently loaded";
                    case "EAGAIN" -> "Module " + name + " is in use";
                    case "EBUSY" -> "Module " + name + " is busy (still initialising, or it has no exit function)";
                    default -> "cannot remove module " + name + ": " + e.text();
                };
                throw refusal(e.name().equals("EAGAIN") ? "EWOULDBLOCK" : e.name(), why + " (" + e.name() + ")",
                        kernelSaid(log.newLines(), name), null);
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelException("EINTR", "interrupted while waiting", null);
        }
    }

    /**
     * The dry link's view of the kernel: its exports and those of loaded modules (newest first); memory at
     * placeholder addresses in the arch's module area; nothing is committed.
     */
    @Override
    public LoadTransaction preflight(String name) {
        KernelProfile profile = profile();
        Map<String, KernelSymbol> fromModules = new HashMap<>();
        for (KernelSymbol s : moduleExports()) {
            fromModules.putIfAbsent(s.name(), s);
        }
        Set<String> proprietary = new HashSet<>();
        for (LoadedModule m : modules()) {
            if (m.taints().indexOf(Taint.letter(Taint.PROPRIETARY_MODULE)) >= 0) {
                proprietary.add(m.name());
            }
        }
        return new LoadTransaction() {
            private long next = profile.moduleAreaStart();

            @Override
            public KernelSymbol findSymbol(String symbol) {
                KernelSymbol k = profile.symbols().get(symbol);
                return k != null ? k : fromModules.get(symbol);
            }

            @Override
            public boolean isProprietary(String module) {
                return proprietary.contains(module);
            }

            @Override
            public long allocate(long size) {
                long at = next;
                next += size;
                return at;
            }

            @Override
            public long commit(ModuleImage image) {
                throw new IllegalStateException("a pre-flight link is not loaded; FileBackend.insert loads the file");
            }

            @Override
            public void close() {}
        };
    }

    /** A live module of the same name is reported as the kernel would (EEXIST), before it is asked. */
    @Override
    public void insert(ObjectFile module, String params, boolean ignoreVermagic, boolean ignoreModversions) {
        ModulePermission.check(sys, "load modules");
        String name = module.moduleName();
        LoadedModule same = find(name);
        if (same != null && same.state() == ModuleState.LIVE) {
            throw new KernelException("EEXIST", "module " + name + " is already loaded", "remove it first with: rmmod " + name);
        }
        int flags = (ignoreVermagic ? ModuleSyscalls.IGNORE_VERMAGIC : 0) | (ignoreModversions ? ModuleSyscalls.IGNORE_MODVERSIONS : 0);
        String lockdown = ModulePermission.lockdown(sys);
        if (lockdown != null && module.signature() == null) {
            throw new KernelException("EPERM", module.file() + ": the kernel is locked down (" + lockdown
                    + ") and loads only signed modules; this one has no signature", "sign it with a key the kernel trusts");
        }
        if (lockdown != null && flags != 0) {
            throw new KernelException("EPERM", module.file() + ": the kernel is locked down (" + lockdown
                    + "): it checks signatures and refuses --force-vermagic and --force-modversion", null);
        }
        try (ModuleSyscalls.KernelLog log = calls().openLog()) {
            int rc;
            Compression c = module.compression();
            if (c == Compression.NONE) {
                rc = calls().finitModule(Path.of(module.file()), params, flags);
            } else if (c.name().toLowerCase(Locale.ROOT).equals(sys.value("/sys/module/compression"))) {
                rc = calls().finitModule(Path.of(module.file()), params, flags | ModuleSyscalls.COMPRESSED_FILE);
            } else if (flags == 0) {
                rc = calls().initModule(module.image(), params);
            } else {
                rc = calls().finitModule(module.image(), params, flags); // init_module has no flags
            }
            if (rc < 0) {
                Errno e = Errno.byNumber(-rc);
                throw refusal(e.name(), module.file() + ": the kernel refused the module: " + reason(e) + " (" + e.name() + ")",
                        kernelSaid(log.newLines(), module.moduleName()), null);
            }
        }
    }

    /** What a refusal means, as kmod words it where it has its own words. */
    private static String reason(Errno e) {
        return switch (e.name()) {
            case "ENOEXEC" -> "invalid module format";
            case "ENOENT", "ESRCH" -> "unknown symbol in module";
            case "EEXIST" -> "a module of that name is already loaded";
            case "EINVAL" -> "invalid parameters or symbol versions";
            case "EKEYREJECTED" -> "its signature does not verify";
            case "EBADMSG" -> "its signature cannot be parsed";
            case "ENOKEY" -> "no key the kernel trusts made its signature";
            case "ENOPKG" -> "its signature uses crypto the kernel lacks";
            default -> e.text().toLowerCase(Locale.ROOT);
        };
    }

    /** Lines the kernel prints on loads that go on: they do not say why one failed. */
    private static final List<String> WARNINGS = List.of("module verification failed", "loading out-of-tree module taints kernel",
            "taints kernel.", "Disabling lock debugging due to kernel taint");

    /**
     * The kernel's own line about why the module failed, if it printed one: the first of its lines that is not a
     * warning printed on every load of that kind, and how many more there were.
     */
    static String kernelSaid(List<String> lines, String module) {
        List<String> mine = new ArrayList<>();
        for (String l : lines) {
            boolean about = l.startsWith(module + ": ") || l.contains(" " + module + ": ") || l.contains("'" + module + "'");
            if (about && WARNINGS.stream().noneMatch(l::contains)) {
                mine.add(l);
            }
        }
        if (mine.isEmpty()) {
            return null;
        }
        int more = mine.size() - 1;
        return mine.getFirst() + (more == 0 ? "" : " (and " + more + " more line" + (more == 1 ? "" : "s") + ")");
    }

    private static KernelException refusal(String errno, String message, String kernelLine, String hint) {
        return new KernelException(errno, message + (kernelLine == null ? "" : "; kernel: " + kernelLine), hint);
    }

    @Override
    public void close() {}
}
