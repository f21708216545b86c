package modkit.depmod.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import modkit.command.CommandRunner;
import modkit.command.Getopt;
import modkit.command.Getopt.Option;
import modkit.depmod.Depmod;
import modkit.command.Json;
import modkit.depmod.KmodLog;
import modkit.moddir.RootPrefix;

/**
 * {@code depmod [-aAen] [-b DIR] [-C CFG] [-F System.map | -E Module.symvers] [VERSION] [FILE...]}, kmod's flags,
 * read as kmod reads them ({@link Getopt}: getopt_long). depmod runs after every module install and over
 * thousands of files, so it does without picocli, whose first command line cost 30 ms of start-up.
 */
public final class DepmodCommand {
    public static final String DESCRIPTION = "Generate modules.dep and the module index files (kmod's formats).";

    private static final Pattern VERSION = Pattern.compile("^[0-9]+\\.[0-9]+.*");

    private static final Option ALL = new Option('a', false, "all");
    private static final Option QUICK = new Option('A', false, "quick");
    private static final Option BASEDIR = new Option('b', true, "basedir");
    private static final Option MODULEDIR = new Option('m', true, "moduledir");
    private static final Option OUTDIR = new Option('o', true, "outdir");
    private static final Option SYSROOT = new Option((char) 0, true, "sysroot");
    private static final Option CONFIG = new Option('C', true, "config");
    private static final Option SYMVERS = new Option('E', true, "symvers");
    private static final Option FILESYMS = new Option('F', true, "filesyms");
    private static final Option ERRSYMS = new Option('e', false, "errsyms");
    private static final Option SHOW = new Option('n', false, "show", "dry-run");
    private static final Option PREFIX = new Option('P', true, "symbol-prefix");
    private static final Option VERBOSE = new Option('v', false, "verbose");
    private static final Option WARN = new Option('w', false, "warn");
    // kmod still accepts these and ignores them.
    private static final Option QUIET = new Option('q', false, "quiet");
    private static final Option ROOT = new Option('r', false, "root");
    private static final Option UNRESOLVED = new Option('u', false, "unresolved-error");
    private static final Option JSON = new Option((char) 0, false, "json");
    private static final Option DEBUG = new Option((char) 0, false, "debug");
    private static final Option HELP = new Option('h', false, "help");
    private static final Option SHOW_VERSION = new Option('V', false, "version");

    private static final Getopt OPTIONS = new Getopt(List.of(ALL, QUICK, BASEDIR, CONFIG, SYMVERS, FILESYMS, ERRSYMS,
            SHOW, PREFIX, VERBOSE, WARN, QUIET, ROOT, UNRESOLVED, MODULEDIR, OUTDIR, SYSROOT, JSON, DEBUG, HELP, SHOW_VERSION));

    private static final String USAGE = """
            Usage: depmod [-aAen] [-b DIR] [-m DIR] [-o DIR] [-C PATH] [-F System.map | -E Module.symvers] [-P CHAR] [VERSION] [FILE...]
            %s
            With no FILE, the whole tree ROOT/lib/modules/VERSION; VERSION defaults to the running kernel's.

              -a, --all                 Probe all modules (the default)
              -A, --quick               Only do the work if a module is newer than modules.dep
              -b, --basedir=DIR         Read the modules from DIR/lib/modules/VERSION (depmod.d from the host)
              -m, --moduledir=DIR       The modules directory under the root instead of /lib/modules
              -o, --outdir=DIR          Write the index files to DIR/lib/modules/VERSION (DIR as given, as -C)
                  --sysroot=DIR         Root everything under DIR: modules, depmod.d, external directories
              -C, --config=PATH         Read configuration from PATH (file or directory) instead of depmod.d
              -e, --errsyms             Report symbols no module or kernel supplies, and CRC mismatches with -E
              -E, --symvers=FILE        Module.symvers: kernel exports with CRCs, for -e
              -F, --filesyms=FILE       System.map: kernel exports, for -e
              -n, --show, --dry-run     Write the text files to stdout instead of the module directory
              -P, --symbol-prefix=CHAR  Architecture symbol prefix
              -v, --verbose, -w, --warn Accepted for compatibility
                  --json                With or without -n: print the results as JSON instead of writing files
                  --debug               Print stack traces of errors
              -h, --help                Show this help and exit
              -V, --version             Print version information and exit
            """.formatted(DESCRIPTION);

    private DepmodCommand() {}

    /** What the options asked for. */
    private static final class Request {
        boolean quick;
        String basedir;
        String moduledir;
        String outdir;
        String sysroot;
        List<Path> config;
        Path symvers;
        Path systemMap;
        boolean errsyms;
        boolean dryRun;
        String symbolPrefix;
        boolean json;
        boolean help;
        boolean version;
        List<String> operands = List.of();
    }

    /** Runs depmod with these arguments (after the command name); the exit code. */
    public static int run(String[] args, PrintStream out, PrintWriter err) {
        boolean debug = List.of(args).contains("--debug");
        return CommandRunner.runPlain("depmod", debug, err, () -> {
            Request r = parse(args);
            if (r.help) {
                out.print(USAGE);
                out.flush();
                return CommandRunner.OK;
            }
            if (r.version) {
                out.println("modkit depmod 0.1");
                out.flush();
                return CommandRunner.OK;
            }
            return depmod(r, out, err);
        });
    }

    private static Request parse(String[] args) {
        Request r = new Request();
        Getopt.Parsed p = OPTIONS.parse(args);
        for (Getopt.Given g : p.options()) {
            Option o = g.option();
            if (o == QUICK) {
                r.quick = true;
            } else if (o == BASEDIR) {
                r.basedir = g.value();
            } else if (o == MODULEDIR) {
                r.moduledir = g.value();
            } else if (o == OUTDIR) {
                r.outdir = g.value();
            } else if (o == SYSROOT) {
                r.sysroot = g.value();
            } else if (o == CONFIG) {
                if (r.config == null) {
                    r.config = new ArrayList<>();
                }
                r.config.add(Path.of(g.value()));
            } else if (o == SYMVERS) {
                r.symvers = Path.of(g.value());
            } else if (o == FILESYMS) {
                r.systemMap = Path.of(g.value());
            } else if (o == ERRSYMS) {
                r.errsyms = true;
            } else if (o == SHOW) {
                r.dryRun = true;
            } else if (o == PREFIX) {
                r.symbolPrefix = g.value();
            } else if (o == JSON) {
                r.json = true;
            } else if (o == HELP) {
                r.help = true;
            } else if (o == SHOW_VERSION) {
                r.version = true;
            } // -a is the default; --debug was read before parsing; -v, -w and the deprecated ones change nothing
        }
        r.operands = p.operands();
        return r;
    }

    private static int depmod(Request req, PrintStream out, PrintWriter err) {
        String version = null;
        List<Path> files = new ArrayList<>();
        for (String a : req.operands) {
            if (version == null && files.isEmpty() && VERSION.matcher(a).matches()) {
                version = a;
            } else {
                files.add(Path.of(a));
            }
        }
        if (version == null) {
            version = System.getProperty("os.version");
        }
        char prefix = req.symbolPrefix == null || req.symbolPrefix.isEmpty() ? 0 : req.symbolPrefix.charAt(0);
        // kmod: roots made absolute against the working directory, not resolved
        RootPrefix root = RootPrefix.of(req.sysroot, req.basedir, req.moduledir);
        Depmod.Options o = new Depmod.Options(root, version, req.config, files, req.quick, req.errsyms,
                req.systemMap, req.symvers, prefix);
        Depmod.Log log = new KmodLog("depmod", err);
        boolean toFiles = !req.json && !req.dryRun;
        Path dir = req.outdir == null ? Depmod.moduleDir(o)
                : RootPrefix.of(null, req.outdir, req.moduledir).moduleDirPath(version);
        // Each file is written while it is rendered, on the thread that renders it; -n and --json keep them.
        Depmod.Result r = toFiles ? Depmod.compute(o, log, Depmod.toDirectory(dir)) : Depmod.compute(o, log);
        if (r.files() == null) {
            return r.exitCode();
        }
        if (req.json) {
            out.print(Json.write(r.output().json()));
            out.flush();
        } else if (req.dryRun) {
            out.writeBytes(Depmod.dryRun(r.files()));
            out.flush();
        }
        return r.exitCode();
    }
}
