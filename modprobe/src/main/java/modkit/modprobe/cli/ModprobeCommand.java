package modkit.modprobe.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import modkit.command.CommandRunner;
import modkit.command.CommonOptions;
import modkit.elf.ModkitException;
import modkit.elf.ModuleNames;
import modkit.elf.ModuleSummary;
import modkit.elf.VersionEntry;
import modkit.insmod.LinkResult;
import modkit.insmod.LoadMap;
import modkit.kernel.KernelBackend;
import modkit.modprobe.Action;
import modkit.modprobe.ActionsJson;
import modkit.moddir.ConfigParser;
import modkit.modprobe.DotGraph;
import modkit.modprobe.LoadedModules;
import modkit.modprobe.Modprobe;
import modkit.moddir.ModprobeConfig;
import modkit.moddir.ModuleDirectory;
import modkit.moddir.ModuleLookup;
import modkit.modprobe.ModuleNotFound;
import modkit.moddir.RootPrefix;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modprobe [options] NAME [param=value ...]}: kmod's modprobe over the simulated kernel. Lookup,
 * configuration and dependency order live in {@link Modprobe} and its helpers; this class parses options, picks
 * the mode and prints.
 */
@Command(name = "modprobe", mixinStandardHelpOptions = true, version = "modkit modprobe 0.1",
        description = "Add modules, with their dependencies, to the (simulated) kernel, or remove them.")
public final class ModprobeCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "Module name, alias or file, then parameters (or names, with -a or -r)")
    List<String> args = new ArrayList<>();

    @Option(names = {"-a", "--all"}, description = "Every argument is a module to insert (or remove, with -r)")
    boolean all;

    @Option(names = {"-r", "--remove"}, description = "Remove the modules, then their dependencies nothing else uses")
    boolean remove;

    @Option(names = {"--remove-holders", "--remove-dependencies"}, description = "Also remove the modules that use it")
    boolean removeHolders;

    @Option(names = {"-R", "--resolve-alias", "--show-alias"}, description = "Print the module names the name stands for")
    boolean resolveOnly;

    @Option(names = "--first-time", description = "Fail if the module is already inserted (or, with -r, not loaded)")
    boolean firstTime;

    @Option(names = {"-i", "--ignore-install", "--ignore-remove"}, description = "Ignore install/remove commands and softdeps of the named module")
    boolean ignoreCommands;

    @Option(names = {"-b", "--use-blacklist"}, description = "Apply the blacklist to the names given too")
    boolean useBlacklist;

    @Option(names = {"-f", "--force"}, description = "Ignore vermagic and symbol versions; with -r, remove even if in use")
    boolean force;

    @Option(names = "--force-vermagic", description = "Ignore the modules' version magic")
    boolean forceVermagic;

    @Option(names = "--force-modversion", description = "Ignore the modules' symbol versions")
    boolean forceModversion;

    @Option(names = {"-D", "--show-depends"}, description = "Print what would be inserted, loaded or not, and stop")
    boolean showDepends;

    @Option(names = "--json", description = "With --show-depends: print the actions as JSON")
    boolean json;

    @Option(names = "--graph", description = "Print the module's dependency graph as Graphviz DOT (softdeps dashed)")
    boolean graph;

    @Option(names = {"-c", "--show-config", "--showconfig"}, description = "Print the parsed configuration and the alias indexes")
    boolean showConfig;

    @Option(names = {"-n", "--dry-run", "--show"}, description = "Link and load into a scratch copy of the kernel; change nothing")
    boolean dryRun;

    @Option(names = {"-m", "--map"}, description = "Print the load map of every module linked")
    boolean map;

    @Option(names = {"-C", "--config"}, paramLabel = "PATH", description = "Read configuration from PATH (file or directory) instead of the modprobe.d directories; repeatable")
    List<String> configPaths;

    @Option(names = {"-d", "--dirname"}, paramLabel = "DIR", description = "Use DIR/lib/modules (configuration and /proc/cmdline still from the host, as in kmod)")
    String dirname;

    @Option(names = "--sysroot", paramLabel = "DIR", description = "Root everything under DIR: /lib/modules, modprobe.d, /proc/cmdline, and /proc and /sys for the linux backend")
    String sysroot;

    @Option(names = "--moduledir", paramLabel = "DIR", description = "The modules directory under the root, instead of /lib/modules")
    String moduledir;

    @Option(names = "--softdep-compat", paramLabel = "merge|kmod",
            description = "How several softdep lines for one module combine: merge (all count, the default) or kmod (only the first matching line, as kmod does)")
    String softdepCompat = "merge";

    @Option(names = {"-S", "--set-version"}, paramLabel = "VERSION", description = "Use /lib/modules/VERSION (default: the simulated kernel's release)")
    String version;

    @Option(names = {"-q", "--quiet"}, description = "Print no error messages (the exit code still tells)")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Print every action")
    boolean verbose;

    @Option(names = {"-s", "--syslog"}, description = "Send messages to syslog (/dev/log; $MODKIT_SYSLOG) instead of the terminal")
    boolean syslog;

    @Option(names = {"-w", "--wait"}, paramLabel = "MSEC",
            description = "With -r: wait up to MSEC for the module's references to be dropped, then remove it")
    long waitMillis;

    @Option(names = {"--show-modversions", "--dump-modversions"},
            description = "Print the symbol versions (__versions) the module FILE needs, and stop")
    boolean showModversions;

    @Option(names = "--show-exports", description = "Print the symbols the module (FILE or name) exports, with their versions, and stop")
    boolean showExports;

    @Override
    public Integer call() {
        if (syslog) {
            return modkit.command.Syslog.open("modprobe").run(this::probe);
        }
        return probe();
    }

    private Integer probe() {
        if (args.isEmpty() && !showConfig) {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing module name");
        }
        if (json && !showDepends) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--json goes with --show-depends");
        }
        if (!softdepCompat.equals("merge") && !softdepCompat.equals("kmod")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--softdep-compat takes 'merge' or 'kmod', not '" + softdepCompat + "'");
        }
        try {
            if (showModversions || showExports) {
                return printVersions(args.get(0));
            }
            return run();
        } catch (NotFoundExit e) {
            return CommandRunner.INPUT;
        } catch (ModkitException e) {
            if (quiet) {
                return CommandRunner.INPUT;
            }
            throw e;
        }
    }

    private int run() {
        boolean needsKernel = !(showDepends || showConfig || graph || resolveOnly);
        if (!needsKernel) {
            return query(version != null ? version : releaseOfKernel());
        }
        try (KernelBackend kernel = openKernel()) {
            if (dryRun) {
                try (KernelBackend scratch = kernel.scratch()) {
                    return change(new LoadedModules(scratch));
                }
            }
            return change(new LoadedModules(kernel));
        }
    }

    /**
     * kmod's --show-modversions and --show-exports: "0x%08x\tNAME" per symbol, of the first file given. kmod takes
     * a file only; our --show-exports also takes a module name, looked up in the module directory.
     */
    private int printVersions(String file) {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path) && showExports && !file.contains("/")) {
            String release = version != null ? version : releaseOfKernel();
            ModuleDirectory dir = new ModuleDirectory(root().moduleDir(release), root().sysroot());
            String p = dir.pathOf(ModuleNames.underscores(file));
            if (p != null) {
                path = Path.of(p);
            }
        }
        if (!Files.isRegularFile(path)) {
            throw new ModkitException("Module " + file + " not found.",
                    showExports ? "--show-exports takes a module file or the name of a module in the module directory"
                            : "--show-modversions takes a module file, not a name");
        }
        StringBuilder out = new StringBuilder();
        if (showModversions) {
            for (VersionEntry v : ModuleSummary.versions(path)) {
                out.append(String.format("0x%08x\t%s\n", v.crc(), v.name()));
            }
        } else {
            for (ModuleSummary.Symbol e : ModuleSummary.read(path).exports()) {
                out.append(String.format("0x%08x\t%s\n", e.crc(), e.name()));
            }
        }
        System.out.print(out);
        return 0;
    }

    private String releaseOfKernel() {
        try (KernelBackend kernel = openKernel()) {
            return kernel.release();
        }
    }

    /** The kernel backend; under --sysroot the linux backend reads SYSROOT/proc and SYSROOT/sys. */
    private KernelBackend openKernel() {
        return sysroot == null ? common.openKernel() : common.openKernel(Path.of(root().sysroot()));
    }

    private RootPrefix root() {
        return RootPrefix.of(sysroot, dirname, moduledir);
    }

    private ModuleLookup<ModuleDirectory> lookup(String release) {
        RootPrefix root = root();
        ModuleDirectory dir = new ModuleDirectory(root.moduleDir(release), root.sysroot());
        ModprobeConfig config = ConfigParser.load(configPaths != null ? configPaths : root.configDirs(),
                dir.dir() + "/modules.softdep", root.cmdline());
        config.softdepMode(softdepCompat.equals("kmod") ? ModprobeConfig.SoftdepMode.KMOD : ModprobeConfig.SoftdepMode.MERGE);
        // kmod prints configuration errors even with -q (libkmod logs them before modprobe sets its log level)
        for (ModprobeConfig.Warning w : config.warnings()) {
            System.err.println(w);
        }
        return new ModuleLookup<>(config, dir);
    }

    /** The read-only modes: -c, --graph, -R, --show-depends. */
    private int query(String release) {
        ModuleLookup<ModuleDirectory> lookup = lookup(release);
        PrintStream out = System.out;
        if (showConfig) {
            out.print(lookup.config().show());
            out.print("\n# End of configuration files. Dumping indexes now:\n\n");
            out.print(lookup.directory().aliases().dump(lookup.directory()::priority));
            out.print(lookup.directory().symbols().dump(lookup.directory()::priority));
            return 0;
        }
        if (graph) {
            out.print(DotGraph.dot(lookup, args.get(0)));
            return 0;
        }
        List<Action> actions = new ArrayList<>();
        Modprobe mp = new Modprobe(lookup, null, settings(true), a -> {
            actions.add(a);
            if (!json) {
                out.println(a.text());
            }
        }, System.out, System.err);
        int status = 0;
        for (String name : names()) {
            if (resolveOnly) {
                List<modkit.moddir.ModuleLookup.Ref> refs = mp.resolve(name);
                if (refs.isEmpty()) {
                    status = fail(new ModkitException("Module " + name + " not found in directory " + lookup.directory().dir()));
                }
                refs.forEach(r -> out.println(r.name()));
            } else {
                try {
                    mp.insert(name, extraOptions());
                } catch (ModkitException e) {
                    status = fail(e);
                }
            }
        }
        if (json) {
            out.print(ActionsJson.of(String.join(" ", names()), actions));
        }
        return status;
    }

    /** Insert or remove, in the given kernel (the real one, or a scratch copy for -n). */
    private int change(LoadedModules kernel) {
        ModuleLookup<ModuleDirectory> lookup = lookup(version != null ? version : kernel.backend().release());
        boolean print = verbose;
        Modprobe mp = new Modprobe(lookup, kernel, settings(false), a -> {
            if (print) {
                System.out.println(a.text());
            }
        }, System.out, System.err);
        int status = 0;
        try {
            for (String name : remove ? args : names()) {
                try {
                    if (remove) {
                        mp.remove(name);
                    } else {
                        mp.insert(name, extraOptions());
                    }
                } catch (ModkitException e) {
                    status = fail(e);
                }
            }
        } finally {
            if (map) {
                for (LinkResult r : mp.linked()) {
                    System.out.print(LoadMap.text(r));
                }
            }
        }
        return status;
    }

    /**
     * One name fails: alone, it is the command's error; among several (-a, -r), report it and go on. A name not
     * found is kmod's line, no hint: "modprobe: FATAL: Module X not found in directory D", which ends the run, or
     * with -a (where kmod lowers its log level) "modprobe: WARNING: ..." and the next name.
     */
    private int fail(ModkitException e) {
        if (e instanceof ModuleNotFound) {
            if (!quiet) {
                System.err.println("modprobe: " + (all ? "WARNING: " : "FATAL: ") + e.getMessage());
            }
            if (all) {
                return CommandRunner.INPUT;
            }
            throw new NotFoundExit();
        }
        if (names().size() == 1 && !(remove && args.size() > 1)) {
            throw e;
        }
        if (!quiet) {
            System.err.println("modprobe: error: " + e.getMessage());
            if (e.hint() != null) {
                System.err.println("  hint: " + e.hint());
            }
        }
        return CommandRunner.INPUT;
    }

    /** Unwinds to {@link #call} after a name was not found: exit 1, kmod's message already printed. */
    private static final class NotFoundExit extends RuntimeException {
        NotFoundExit() {
            super(null, null, false, false);
        }
    }

    private List<String> names() {
        return all || remove ? args : args.subList(0, 1);
    }

    private Modprobe.Settings settings(boolean show) {
        return new Modprobe.Settings(show, dryRun || show, firstTime, ignoreCommands, useBlacklist,
                force || forceVermagic, force || forceModversion, force, removeHolders, waitMillis,
                Map.of("MODKIT_ROOT", common.stateRoot().toString()));
    }

    /** The parameters after the name, joined as kmod joins them (a value with a space is quoted); null if none. */
    private String extraOptions() {
        if (all || args.size() < 2) {
            return null;
        }
        return joinOptions(args.subList(1, args.size()));
    }

    static String joinOptions(List<String> params) {
        List<String> out = new ArrayList<>();
        for (String p : params) {
            int eq = p.indexOf('=');
            if (eq >= 0 && eq + 1 < p.length() && p.charAt(eq + 1) != '"' && p.charAt(eq + 1) != '\''
                    && p.indexOf(' ', eq) >= 0) {
                p = p.substring(0, eq + 1) + '"' + p.substring(eq + 1) + '"';
            }
            out.add(p);
        }
        return String.join(" ", out);
    }
}
