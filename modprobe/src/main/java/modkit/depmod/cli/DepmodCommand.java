package modkit.depmod.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import modkit.depmod.Depmod;
import modkit.depmod.DepmodOutput;
import modkit.command.Json;
import modkit.depmod.KmodLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code depmod [-aAen] [-b DIR] [-C CFG] [-F System.map | -E Module.symvers] [VERSION] [FILE...]}, kmod's flags. */
@Command(name = "depmod", mixinStandardHelpOptions = true, version = "modkit depmod 0.1",
        description = "Generate modules.dep and the module index files (kmod's formats).")
public final class DepmodCommand implements Callable<Integer> {
    private static final Pattern VERSION = Pattern.compile("^[0-9]+\\.[0-9]+.*");

    @Spec
    CommandSpec spec;

    @Option(names = {"-a", "--all"}, description = "Probe all modules (the default)")
    boolean all;

    @Option(names = {"-A", "--quick"}, description = "Only do the work if a module is newer than modules.dep")
    boolean quick;

    @Option(names = {"-b", "--basedir"}, paramLabel = "DIR", description = "Root prefix: use DIR/lib/modules/VERSION and DIR's depmod.d")
    Path basedir;

    @Option(names = {"-C", "--config"}, paramLabel = "PATH", description = "Read configuration from PATH (file or directory) instead of depmod.d")
    List<Path> config;

    @Option(names = {"-E", "--symvers"}, paramLabel = "FILE", description = "Module.symvers: kernel exports with CRCs, for -e")
    Path symvers;

    @Option(names = {"-F", "--filesyms"}, paramLabel = "FILE", description = "System.map: kernel exports, for -e")
    Path systemMap;

    @Option(names = {"-e", "--errsyms"}, description = "Report symbols no module or kernel supplies, and CRC mismatches with -E")
    boolean errsyms;

    @Option(names = {"-n", "--show", "--dry-run"}, description = "Write the text files to stdout instead of the module directory")
    boolean dryRun;

    @Option(names = {"-P", "--symbol-prefix"}, paramLabel = "CHAR", description = "Architecture symbol prefix")
    String symbolPrefix;

    @Option(names = {"-v", "--verbose"}, description = "Accepted for compatibility")
    boolean verbose;

    @Option(names = {"-w", "--warn"}, description = "Accepted for compatibility")
    boolean warn;

    @Option(names = {"-q", "--quiet", "-r", "--root", "-u", "--unresolved-error", "-m", "--map"}, hidden = true,
            description = "Deprecated kmod options, ignored")
    boolean deprecated;

    @Option(names = "--json", description = "With or without -n: print the results as JSON instead of writing files")
    boolean json;

    @Option(names = "--debug", description = "Print stack traces of errors")
    boolean debug;

    @Parameters(paramLabel = "[VERSION] [FILE...]", description = "Kernel version (default: the running kernel's), then module files to index instead of the whole tree")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        String version = null;
        List<Path> files = new ArrayList<>();
        for (String a : args) {
            if (version == null && files.isEmpty() && VERSION.matcher(a).matches()) {
                version = a;
            } else {
                files.add(Path.of(a));
            }
        }
        if (version == null) {
            version = System.getProperty("os.version");
        }
        char prefix = symbolPrefix == null || symbolPrefix.isEmpty() ? 0 : symbolPrefix.charAt(0);
        Path root = basedir == null ? null : basedir.toAbsolutePath(); // kmod: made absolute, not resolved
        Depmod.Options o = new Depmod.Options(root, version, config, files, quick, errsyms, systemMap, symvers, prefix);
        Depmod.Log log = new KmodLog("depmod", err);
        Depmod.Result r = Depmod.compute(o, log);
        if (r.files() == null) {
            return r.exitCode();
        }
        PrintStream out = System.out;
        if (json) {
            out.print(Json.write(toJson(r.output())));
            out.flush();
        } else if (dryRun) {
            out.write(Depmod.dryRun(r.files()));
            out.flush();
        } else {
            Depmod.write(Depmod.moduleDir(o), r.files());
        }
        return r.exitCode();
    }

    private static Map<String, Object> toJson(DepmodOutput out) {
        Map<String, Object> root = new LinkedHashMap<>();
        List<Object> dep = new ArrayList<>();
        for (DepmodOutput.DepLine d : out.deps()) {
            dep.add(ordered("module", d.module(), "dependencies", d.dependencies()));
        }
        root.put("modules.dep", dep);
        List<Object> alias = new ArrayList<>();
        for (String[] a : out.aliases()) {
            alias.add(ordered("alias", a[0], "module", a[1]));
        }
        root.put("modules.alias", alias);
        List<Object> soft = new ArrayList<>();
        for (String[] s : out.softdeps()) {
            soft.add(ordered("module", s[0], "softdep", s[1]));
        }
        root.put("modules.softdep", soft);
        List<Object> syms = new ArrayList<>();
        for (Map.Entry<String, Integer> s : out.symbols()) {
            syms.add(ordered("symbol", s.getKey(), "module", out.moduleName(s.getValue())));
        }
        root.put("modules.symbols", syms);
        List<Object> dev = new ArrayList<>();
        for (DepmodOutput.Devname d : out.devnames()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("module", d.modname());
            m.put("devname", d.devname());
            m.put("type", String.valueOf(d.type()));
            m.put("major", d.major());
            m.put("minor", d.minor());
            dev.add(m);
        }
        root.put("modules.devname", dev);
        return root;
    }

    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }
}
