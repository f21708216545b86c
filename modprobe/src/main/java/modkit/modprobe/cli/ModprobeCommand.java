package modkit.modprobe.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import modkit.command.CommandRunner;
import modkit.command.CommonOptions;
import modkit.command.Getopt;
import modkit.command.OptionTable;
import modkit.command.OptionTable.Opt;
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

/**
 * {@code modprobe [options] NAME [param=value ...]}: kmod's modprobe over the simulated kernel. Lookup,
 * configuration and dependency order live in {@link Modprobe} and its helpers; this class parses options, picks
 * the mode and prints.
 */
public final class ModprobeCommand {
    private static final Opt ALL = Opt.flag("Every argument is a module to insert (or remove, with -r)", "-a", "--all");
    private static final Opt REMOVE = Opt.flag(
            "Remove the modules, then their dependencies nothing else uses", "-r", "--remove");
    private static final Opt REMOVE_HOLDERS = Opt.flag(
            "Also remove the modules that use it", "--remove-holders", "--remove-dependencies");
    private static final Opt RESOLVE_ONLY = Opt.flag(
            "Print the module names the name stands for", "-R", "--resolve-alias", "--show-alias");
    private static final Opt FIRST_TIME = Opt.flag(
            "Fail if the module is already inserted (or, with -r, not loaded)", "--first-time");
    private static final Opt IGNORE_COMMANDS = Opt.flag(
            "Ignore install/remove commands and softdeps of the named module", "-i", "--ignore-install", "--ignore-remove");
    private static final Opt USE_BLACKLIST = Opt.flag(
            "Apply the blacklist to the names given too", "-b", "--use-blacklist");
    private static final Opt FORCE = Opt.flag(
            "Ignore vermagic and symbol versions; with -r, remove even if in use", "-f", "--force");
    private static final Opt FORCE_VERMAGIC = Opt.flag("Ignore the modules' version magic", "--force-vermagic");
    private static final Opt FORCE_MODVERSION = Opt.flag("Ignore the modules' symbol versions", "--force-modversion");
    private static final Opt SHOW_DEPENDS = Opt.flag(
            "Print what would be inserted, loaded or not, and stop", "-D", "--show-depends");
    private static final Opt JSON = Opt.flag("With --show-depends: print the actions as JSON", "--json");
    private static final Opt GRAPH = Opt.flag(
            "Print the module's dependency graph as Graphviz DOT (softdeps dashed)", "--graph");
    private static final Opt SHOW_CONFIG = Opt.flag(
            "Print the parsed configuration and the alias indexes", "-c", "--show-config", "--showconfig");
    private static final Opt DRY_RUN = Opt.flag(
            "Link and load into a scratch copy of the kernel; change nothing", "-n", "--dry-run", "--show");
    private static final Opt MAP = Opt.flag("Print the load map of every module linked", "-m", "--map");
    private static final Opt CONFIG_PATHS = Opt.values(
            "PATH", "Read configuration from PATH (file or directory) instead of the modprobe.d directories; repeatable", "-C", "--config");
    private static final Opt DIRNAME = Opt.value(
            "DIR", "Use DIR/lib/modules (configuration and /proc/cmdline still from the host, as in kmod)", "-d", "--dirname");
    private static final Opt SYSROOT = Opt.value(
            "DIR", "Root everything under DIR: /lib/modules, modprobe.d, /proc/cmdline, and /proc and /sys for the linux backend", "--sysroot");
    private static final Opt MODULEDIR = Opt.value(
            "DIR", "The modules directory under the root, instead of /lib/modules", "--moduledir");
    private static final Opt SOFTDEP_COMPAT = Opt.value(
            "merge|kmod", "How several softdep lines for one module combine: merge (all count, the default) or kmod (only the first matching line, as kmod does)", "--softdep-compat");
    private static final Opt SET_VERSION = Opt.value(
            "VERSION", "Use /lib/modules/VERSION (default: the simulated kernel's release)", "-S", "--set-version");
    private static final Opt QUIET = Opt.flag("Print no error messages (the exit code still tells)", "-q", "--quiet");
    private static final Opt VERBOSE = Opt.flag("Print every action", "-v", "--verbose");
    private static final Opt SYSLOG = Opt.flag(
            "Send messages to syslog (/dev/log; $MODKIT_SYSLOG) instead of the terminal", "-s", "--syslog");
    private static final Opt WAIT_MILLIS = Opt.value(
            "MSEC", "With -r: wait up to MSEC for the module's references to be dropped, then remove it", "-w", "--wait");
    private static final Opt SHOW_MODVERSIONS = Opt.flag(
            "Print the symbol versions (__versions) the module FILE needs, and stop", "--show-modversions", "--dump-modversions");
    private static final Opt SHOW_EXPORTS = Opt.flag(
            "Print the symbols the module (FILE or name) exports, with their versions, and stop", "--show-exports");

    public static final OptionTable OPTIONS = new OptionTable("modprobe", "modkit modprobe 0.1",
            "Add modules, with their dependencies, to the (simulated) kernel, or remove them.",
            CommonOptions.with(ALL, REMOVE, REMOVE_HOLDERS, RESOLVE_ONLY, FIRST_TIME, IGNORE_COMMANDS, USE_BLACKLIST, FORCE,
                    FORCE_VERMAGIC, FORCE_MODVERSION, SHOW_DEPENDS, JSON, GRAPH, SHOW_CONFIG, DRY_RUN, MAP, CONFIG_PATHS,
                    DIRNAME, SYSROOT, MODULEDIR, SOFTDEP_COMPAT, SET_VERSION, QUIET, VERBOSE, SYSLOG, WAIT_MILLIS,
                    SHOW_MODVERSIONS, SHOW_EXPORTS),
            List.of(new OptionTable.Operands("NAME", "0..*",
                    "Module name, alias or file, then parameters (or names, with -a or -r)")));

    private final CommonOptions common;
    private final List<String> args;
    private final boolean all;
    private final boolean remove;
    private final boolean removeHolders;
    private final boolean resolveOnly;
    private final boolean firstTime;
    private final boolean ignoreCommands;
    private final boolean useBlacklist;
    private final boolean force;
    private final boolean forceVermagic;
    private final boolean forceModversion;
    private final boolean showDepends;
    private final boolean json;
    private final boolean graph;
    private final boolean showConfig;
    private final boolean dryRun;
    private final boolean map;
    private final List<String> configPaths;
    private final String dirname;
    private final String sysroot;
    private final String moduledir;
    private final String softdepCompat;
    private final String version;
    private final boolean quiet;
    private final boolean verbose;
    private final boolean syslog;
    private final long waitMillis;
    private final boolean showModversions;
    private final boolean showExports;

    private ModprobeCommand(OptionTable.Args a) {
        common = CommonOptions.of(a);
        args = a.operands();
        all = a.has(ALL);
        remove = a.has(REMOVE);
        removeHolders = a.has(REMOVE_HOLDERS);
        resolveOnly = a.has(RESOLVE_ONLY);
        firstTime = a.has(FIRST_TIME);
        ignoreCommands = a.has(IGNORE_COMMANDS);
        useBlacklist = a.has(USE_BLACKLIST);
        force = a.has(FORCE);
        forceVermagic = a.has(FORCE_VERMAGIC);
        forceModversion = a.has(FORCE_MODVERSION);
        showDepends = a.has(SHOW_DEPENDS);
        json = a.has(JSON);
        graph = a.has(GRAPH);
        showConfig = a.has(SHOW_CONFIG);
        dryRun = a.has(DRY_RUN);
        map = a.has(MAP);
        configPaths = a.has(CONFIG_PATHS) ? a.values(CONFIG_PATHS) : null;
        dirname = a.value(DIRNAME);
        sysroot = a.value(SYSROOT);
        moduledir = a.value(MODULEDIR);
        softdepCompat = a.has(SOFTDEP_COMPAT) ? a.value(SOFTDEP_COMPAT) : "merge";
        version = a.value(SET_VERSION);
        quiet = a.has(QUIET);
        verbose = a.has(VERBOSE);
        syslog = a.has(SYSLOG);
        waitMillis = number(a, WAIT_MILLIS);
        showModversions = a.has(SHOW_MODVERSIONS);
        showExports = a.has(SHOW_EXPORTS);
    }

    public static int run(String... args) {
        return OPTIONS.run(args, a -> {
            ModprobeCommand c = new ModprobeCommand(a);
            return c.syslog ? modkit.command.Syslog.open("modprobe").run(c::probe) : c.probe();
        });
    }

    /** A number of milliseconds, as -w takes it. */
    private static long number(OptionTable.Args a, Opt o) {
        String v = a.value(o);
        if (v == null) {
            return 0;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new Getopt.UsageException("invalid value for option '" + o.names().getLast() + "': '" + v + "' is not a number");
        }
    }

    private Integer probe() {
        if (args.isEmpty() && !showConfig) {
            throw new Getopt.UsageException("missing module name");
        }
        if (json && !showDepends) {
            throw new Getopt.UsageException("--json goes with --show-depends");
        }
        if (!softdepCompat.equals("merge") && !softdepCompat.equals("kmod")) {
            throw new Getopt.UsageException(
                    "--softdep-compat takes 'merge' or 'kmod', not '" + softdepCompat + "'");
        }
        try {
            if (showModversions || showExports) {
                return printVersions(args.get(0));
            }
            return perform();
        } catch (NotFoundExit e) {
            return CommandRunner.INPUT;
        } catch (ModkitException e) {
            if (quiet) {
                return CommandRunner.INPUT;
            }
            throw e;
        }
    }

    private int perform() {
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

    /** Unwinds to {@link #probe} after a name was not found: exit 1, kmod's message already printed. */
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
