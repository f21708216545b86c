package modkit.insmod.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import modkit.command.CommonOptions;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code insmod FILE [param=value ...]}: links a module and loads it into the kernel (kmod's flags, plus a map). */
@Command(name = "insmod", mixinStandardHelpOptions = true, version = "modkit insmod 0.1",
        description = "Link a kernel module and insert it into the kernel (simulated, or with --backend linux the running one, after modkit's checks).")
public final class InsmodCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "FILE", description = "Module file (.ko, .o, .ko.gz/.xz/.zst), or (modutils) a bare module name found through modules.dep")
    Path file;

    @Parameters(index = "1..*", paramLabel = "PARAM", description = "Module parameters, name=value")
    List<String> params = new ArrayList<>();

    @Option(names = {"-n", "--dry-run"}, description = "Link and check, but do not load")
    boolean dryRun;

    @Option(names = {"-m", "--map"}, description = "Print the load map")
    boolean map;

    @Option(names = "--map-json", paramLabel = "FILE", description = "Write the load map as JSON ('-' for stdout)")
    String mapJson;

    @Option(names = {"-O", "--output"}, paramLabel = "FILE", description = "Write the linked image as an ELF file")
    Path output;

    @Option(names = {"-f", "--force"}, description = "Ignore vermagic and symbol versions (taints the kernel)")
    boolean force;

    @Option(names = "--force-vermagic", description = "Ignore the module's version magic")
    boolean forceVermagic;

    @Option(names = "--force-modversion", description = "Ignore the module's symbol versions")
    boolean forceModversion;

    @Option(names = "--kernel", paramLabel = "PROFILE", description = "Link against a fresh kernel of this profile instead of the simulated kernel (dry run only)")
    Path kernelProfile;

    @Option(names = "--at", paramLabel = "REGION=ADDR,...",
            description = "With -n: link at the addresses a kernel chose, e.g. core=0xffffffffc0230000,init=0xffffffffc0236000,percpu=0x3d6c0")
    String at;

    @Option(names = "--at-sections", paramLabel = "DIR|FILE",
            description = "With -n: link at a kernel's section addresses, from /sys/module/NAME/sections or a file of 'SECTION ADDRESS' lines")
    Path atSections;

    @Option(names = {"-v", "--verbose"}, description = "Say what was done")
    boolean verbose;

    @Option(names = {"-s", "--syslog"}, description = "Send messages to syslog (/dev/log; $MODKIT_SYSLOG) instead of the terminal")
    boolean syslog;

    @Option(names = {"-p", "--probe"}, description = "modutils: check that the module could be loaded (as -n), print nothing, exit 0 if so, else 1")
    boolean probe;

    @Option(names = {"-o", "--name"}, paramLabel = "NAME", description = "modutils: load the module under NAME (rewrites struct module's name)")
    String name;

    @Option(names = {"-x", "--noexport"}, description = "modutils: do not make the module's exported symbols visible to other modules")
    boolean noExport;

    @Option(names = {"-X", "--export"}, description = "modutils: export the module's symbols (the default)")
    boolean export;

    @Option(names = {"-L", "--lock"}, description = "modutils: lock the module file (flock) for the load, so concurrent insmods serialise")
    boolean lock;

    @Option(names = {"-k", "--autoclean"}, description = "modutils: mark the module autoclean, for rmmod -a (simulated kernel only)")
    boolean autoclean;

    @Option(names = {"-q", "--quiet"}, description = "modutils: do not list unresolved symbols (the error line stays)")
    boolean quiet;

    @Option(names = {"-N", "--numeric-only"}, description = "modutils: compare only the numeric kernel version (6.1.0) of vermagic's release")
    boolean numericOnly;

    @Option(names = {"-S", "--kallsyms"}, description = "modutils: record all the module's symbols, local ones too, in the kernel's symbol listing")
    boolean kallsyms;

    @Option(names = {"-Y", "--ksymoops"}, description = "modutils: add ksymoops' __insmod_NAME_* symbols to the module's exports")
    boolean ksymoops;

    @Option(names = {"-P", "--prefix"}, paramLabel = "PREFIX",
            description = "modutils: prefix of versioned symbol names (NAME_R<PREFIX><crc>, e.g. smp_); accepted, nothing to apply since 2.6")
    String prefix;

    @Option(names = "--basedir", paramLabel = "DIR", description = "For a bare module NAME: look it up in DIR/lib/modules/RELEASE/modules.dep (default: /)")
    String basedir = "/";

    @Override
    public Integer call() throws IOException {
        if (syslog) {
            return modkit.command.Syslog.open("insmod").run(this::callLocked);
        }
        return callLocked();
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
