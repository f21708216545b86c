package modkit.insmod.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import modkit.command.CommonOptions;
import modkit.command.Getopt;
import modkit.command.OptionTable;
import modkit.command.OptionTable.Opt;
import modkit.elf.ModkitException;
import modkit.elf.ObjectFile;
import modkit.insmod.ImageWriter;
import modkit.insmod.Insmod;
import modkit.insmod.KernelAddresses;
import modkit.insmod.LinkOptions;
import modkit.insmod.LinkResult;
import modkit.insmod.LoadFlags;
import modkit.insmod.LoadMap;
import modkit.kernel.Backends;
import modkit.kernel.FileBackend;
import modkit.kernel.KernelBackend;
import modkit.kernel.ProfileFile;

/** {@code insmod FILE [param=value ...]}: links a module and loads it into the kernel (kmod's flags, plus a map). */
public final class InsmodCommand {
    private static final Opt DRY_RUN = Opt.flag("Link and check, but do not load", "-n", "--dry-run");
    private static final Opt MAP = Opt.flag("Print the load map", "-m", "--map");
    private static final Opt MAP_JSON = Opt.value("FILE", "Write the load map as JSON ('-' for stdout)", "--map-json");
    private static final Opt OUTPUT = Opt.file("FILE", "Write the linked image as an ELF file", "-O", "--output");
    private static final Opt FORCE = Opt.flag(
            "Ignore vermagic and symbol versions (taints the kernel)", "-f", "--force");
    private static final Opt FORCE_VERMAGIC = Opt.flag("Ignore the module's version magic", "--force-vermagic");
    private static final Opt FORCE_MODVERSION = Opt.flag("Ignore the module's symbol versions", "--force-modversion");
    private static final Opt KERNEL_PROFILE = Opt.file(
            "PROFILE", "Link against a fresh kernel of this profile instead of the simulated kernel (dry run only)", "--kernel");
    private static final Opt AT = Opt.value(
            "REGION=ADDR,...", "With -n: link at the addresses a kernel chose, e.g. core=0xffffffffc0230000,init=0xffffffffc0236000,percpu=0x3d6c0", "--at");
    private static final Opt AT_SECTIONS = Opt.file(
            "DIR|FILE", "With -n: link at a kernel's section addresses, from /sys/module/NAME/sections or a file of 'SECTION ADDRESS' lines", "--at-sections");
    private static final Opt VERBOSE = Opt.flag("Say what was done", "-v", "--verbose");
    private static final Opt SYSLOG = Opt.flag(
            "Send messages to syslog (/dev/log; $MODKIT_SYSLOG) instead of the terminal", "-s", "--syslog");
    private static final Opt PROBE_ONLY = Opt.flag(
            "modutils: check that the module could be loaded (as -n), print nothing, exit 0 if so, else 1", "-p", "--probe");
    private static final Opt AS_NAME = Opt.value(
            "NAME", "modutils: load the module under NAME (rewrites struct module's name)", "-o", "--name");
    private static final Opt NO_EXPORT = Opt.flag(
            "modutils: do not make the module's exported symbols visible to other modules", "-x", "--noexport");
    private static final Opt EXPORT = Opt.flag("modutils: export the module's symbols (the default)", "-X", "--export");
    private static final Opt LOCK = Opt.flag(
            "modutils: lock the module file (flock) for the load, so concurrent insmods serialise", "-L", "--lock");
    private static final Opt AUTOCLEAN = Opt.flag(
            "modutils: mark the module autoclean, for rmmod -a (simulated kernel only)", "-k", "--autoclean");
    private static final Opt QUIET = Opt.flag(
            "modutils: do not list unresolved symbols (the error line stays)", "-q", "--quiet");
    private static final Opt NUMERIC_ONLY = Opt.flag(
            "modutils: compare only the numeric kernel version (6.1.0) of vermagic's release", "-N", "--numeric-only");
    private static final Opt KALLSYMS = Opt.flag(
            "modutils: record all the module's symbols, local ones too, in the kernel's symbol listing", "-S", "--kallsyms");
    private static final Opt KSYMOOPS = Opt.flag(
            "modutils: add ksymoops' __insmod_NAME_* symbols to the module's exports", "-Y", "--ksymoops");
    private static final Opt PREFIX = Opt.value(
            "PREFIX", "modutils: prefix of versioned symbol names (NAME_R<PREFIX><crc>, e.g. smp_); accepted, nothing to apply since 2.6", "-P", "--prefix");
    private static final Opt BASEDIR = Opt.value(
            "DIR", "For a bare module NAME: look it up in DIR/lib/modules/RELEASE/modules.dep (default: /)", "--basedir");

    public static final OptionTable OPTIONS = new OptionTable("insmod", "modkit insmod 0.1",
            "Link a kernel module and insert it into the kernel (simulated, or with --backend linux the running one, after modkit's checks).",
            CommonOptions.with(DRY_RUN, MAP, MAP_JSON, OUTPUT, FORCE, FORCE_VERMAGIC, FORCE_MODVERSION,
                    KERNEL_PROFILE, AT, AT_SECTIONS, VERBOSE, SYSLOG, PROBE_ONLY, AS_NAME, NO_EXPORT, EXPORT, LOCK,
                    AUTOCLEAN, QUIET, NUMERIC_ONLY, KALLSYMS, KSYMOOPS, PREFIX, BASEDIR),
            List.of(OptionTable.Operands.files("FILE", "1",
                            "Module file (.ko, .o, .ko.gz/.xz/.zst), or (modutils) a bare module name found through modules.dep"),
                    new OptionTable.Operands("PARAM", "0..*", "Module parameters, name=value")));

    private final CommonOptions common;
    private Path file;
    private final List<String> params;
    private boolean dryRun;
    private boolean map;
    private final String mapJson;
    private final Path output;
    private boolean force;
    private boolean forceVermagic;
    private boolean forceModversion;
    private final Path kernelProfile;
    private final String at;
    private final Path atSections;
    private boolean verbose;
    private boolean syslog;
    private boolean probe;
    private final String name;
    private boolean noExport;
    private boolean export;
    private boolean lock;
    private boolean autoclean;
    private boolean quiet;
    private boolean numericOnly;
    private boolean kallsyms;
    private boolean ksymoops;
    private final String prefix;
    private final String basedir;

    private InsmodCommand(OptionTable.Args a) {
        if (a.operands().isEmpty()) {
            throw new Getopt.UsageException("missing module file");
        }
        common = CommonOptions.of(a);
        file = Path.of(a.operands().getFirst());
        params = a.operands().subList(1, a.operands().size());
        dryRun = a.has(DRY_RUN);
        map = a.has(MAP);
        mapJson = a.value(MAP_JSON);
        output = path(a.value(OUTPUT));
        force = a.has(FORCE);
        forceVermagic = a.has(FORCE_VERMAGIC);
        forceModversion = a.has(FORCE_MODVERSION);
        kernelProfile = path(a.value(KERNEL_PROFILE));
        at = a.value(AT);
        atSections = path(a.value(AT_SECTIONS));
        verbose = a.has(VERBOSE);
        syslog = a.has(SYSLOG);
        probe = a.has(PROBE_ONLY);
        name = a.value(AS_NAME);
        noExport = a.has(NO_EXPORT);
        export = a.has(EXPORT);
        lock = a.has(LOCK);
        autoclean = a.has(AUTOCLEAN);
        quiet = a.has(QUIET);
        numericOnly = a.has(NUMERIC_ONLY);
        kallsyms = a.has(KALLSYMS);
        ksymoops = a.has(KSYMOOPS);
        prefix = a.value(PREFIX);
        basedir = a.has(BASEDIR) ? a.value(BASEDIR) : "/";
    }

    public static int run(String... args) {
        return OPTIONS.run(args, a -> {
            InsmodCommand c = new InsmodCommand(a);
            return c.syslog ? modkit.command.Syslog.open("insmod").run(c::callLocked) : c.callLocked();
        });
    }

    private static Path path(String value) {
        return value == null ? null : Path.of(value);
    }

    /** -L: modutils' flock on the module file, held for the whole load. */
    private Integer callLocked() throws IOException {
        findBareName();
        if (!lock || file.toString().equals("-") || !Files.isRegularFile(file)) {
            return callQuiet(); // a missing file is reported by the load in its own words
        }
        try (modkit.command.Flock held = modkit.command.Flock.exclusive(file)) {
            return callQuiet();
        }
    }

    /** A bare NAME (modutils: {@code insmod loop}): the file modules.dep names for the kernel's release. */
    private void findBareName() {
        if (!modkit.insmod.ModulePath.isBareName(file.toString())) {
            return;
        }
        String release;
        if (kernelProfile != null) {
            release = ProfileFile.read(kernelProfile).release();
        } else {
            try (KernelBackend kernel = common.openKernel()) {
                release = kernel.release();
            }
        }
        file = modkit.insmod.ModulePath.find(basedir, release, file.toString());
        if (verbose) {
            System.err.println("insmod: using " + file);
        }
    }

    /** -q and -p: the unknown symbols' error without its list; -p prints nothing on success. */
    private Integer callQuiet() throws IOException {
        try {
            return callInner();
        } catch (modkit.insmod.UnknownSymbols e) {
            if (quiet) {
                throw new ModkitException(e.brief(), e.hint());
            }
            throw e;
        }
    }

    private Integer callInner() throws IOException {
        if (probe) {
            dryRun = true;
            verbose = false;
        }
        if (prefix != null && verbose) {
            // modutils matched 2.4's versioned names (printk_Rsmp_1b7d4074) with this prefix; since 2.6 the versions
            // are in __versions and names are plain, so there is no name to strip it from.
            System.err.println("insmod: -P " + prefix + ": symbol names carry no version suffix since Linux 2.6: nothing to apply");
        }
        if (file.toString().equals("-")) {
            throw new ModkitException("this tool does not support loading from stdin!");
        }
        if (kernelProfile != null && !dryRun) {
            throw new ModkitException("--kernel links against a throw-away kernel and needs -n/--dry-run",
                    "to load into a kernel of that profile, boot one: modkit sim boot --kernel " + kernelProfile);
        }
        KernelAddresses where = kernelAddresses();
        Insmod.Outcome outcome;
        long pageSize;
        boolean kernelLinks;
        try (KernelBackend kernel = kernelProfile != null
                ? Backends.throwaway(ProfileFile.read(kernelProfile))
                : common.openKernel()) {
            if (autoclean && kernelProfile == null && !kernel.hasAutoclean()) {
                System.err.println("insmod: -k/--autoclean has no meaning on this kernel (no autoclean since Linux 2.6): ignored");
                autoclean = false;
            }
            LinkOptions opts = new LinkOptions(force || forceVermagic, force || forceModversion, joinParams(params), where,
                    new LoadFlags(name, noExport && !export, autoclean, kallsyms, ksymoops, numericOnly));
            kernelLinks = kernel instanceof FileBackend;
            if (verbose) {
                kernel.notes().forEach(n -> System.out.println("note: " + n));
            }
            outcome = Insmod.run(ObjectFile.read(file), kernel, opts, dryRun, w -> System.err.println("insmod: kernel: " + w));
            pageSize = kernel.profile().pageSize();
        }
        LinkResult r = outcome.link();
        if (r == null) {
            // The kernel's arch is one modkit cannot link: only the kernel checked it.
            if (verbose) {
                System.out.println((dryRun ? "not loaded " : "inserted ") + file + " (the kernel's architecture is one modkit cannot link: not checked)");
            }
            if (map || mapJson != null || output != null) {
                throw new ModkitException("no load map or image: modkit cannot link for this kernel's architecture");
            }
            return 0;
        }
        if (where != null) {
            where.disagreements(r).forEach(d -> System.err.println("insmod: warning: " + d));
        }
        if (map) {
            System.out.print(LoadMap.text(r));
        }
        if (mapJson != null) {
            write(mapJson, LoadMap.json(r).getBytes(StandardCharsets.UTF_8));
        }
        if (output != null) {
            write(output.toString(), ImageWriter.write(r));
        }
        if (verbose && kernelLinks) {
            System.out.println((dryRun ? "checked " : "inserted ") + r.image().name() + (dryRun ? "" : " into the running kernel")
                    + " (the pre-flight link at placeholder addresses applied " + r.relocations() + " relocations)");
        } else if (verbose) {
            System.out.println((dryRun ? "linked " : "inserted ") + r.image().name() + " at 0x"
                    + Long.toHexString(r.image().coreAddress()) + " (" + r.relocations() + " relocations)");
            if (!dryRun) {
                long pages = (outcome.initBytesFreed() + pageSize - 1) / pageSize;
                System.out.println("init done: freed " + pages + " page" + (pages == 1 ? "" : "s") + " of init memory ("
                        + outcome.initBytesFreed() + " bytes); core stays at " + r.image().coreSize() + " bytes");
            }
        }
        return 0;
    }

    /** --at or --at-sections (with -n), or null. */
    private KernelAddresses kernelAddresses() {
        if (at == null && atSections == null) {
            return null;
        }
        if (!dryRun) {
            throw new ModkitException("--at and --at-sections link at another kernel's addresses and need -n/--dry-run");
        }
        if (at != null && atSections != null) {
            throw new ModkitException("--at and --at-sections both say where the module is: give one");
        }
        return at != null ? KernelAddresses.parse(at) : KernelAddresses.readSections(atSections);
    }

    private static void write(String target, byte[] bytes) {
        if (target.equals("-")) {
            System.out.write(bytes, 0, bytes.length);
            System.out.flush();
            return;
        }
        try {
            Files.write(Path.of(target), bytes);
        } catch (IOException e) {
            throw new ModkitException(target + ": cannot write: " + e.getMessage());
        }
    }

    /** kmod joins parameters with spaces and quotes a value with a space that is not quoted already. */
    static String joinParams(List<String> params) {
        List<String> out = new ArrayList<>();
        for (String p : params) {
            int eq = p.indexOf('=');
            if (eq > 0 && p.indexOf(' ', eq) >= 0 && p.charAt(eq + 1) != '"') {
                p = p.substring(0, eq + 1) + '"' + p.substring(eq + 1) + '"';
            }
            out.add(p);
        }
        return String.join(" ", out);
    }
}
