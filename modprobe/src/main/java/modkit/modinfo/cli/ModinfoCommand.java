package modkit.modinfo.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import modkit.command.Json;
import modkit.depmod.KmodLog;
import modkit.elf.ModInfo;
import modkit.elf.ModkitException;
import modkit.modinfo.ModinfoFormat;
import modkit.modinfo.ModuleInfo;
import modkit.modinfo.ModinfoSearch;
import modkit.moddir.RootPrefix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code modinfo [-F FIELD | -a -d -l -p -n] [-0m] [-k KVER] [-b DIR | --sysroot DIR] MODULE...}, kmod's flags and output. */
@Command(name = "modinfo", mixinStandardHelpOptions = true, version = "modkit modinfo 0.1",
        description = "Show information about kernel modules: a file, or a name or alias looked up in /lib/modules.")
public final class ModinfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private String field; // the last of -F, -a, -d, -l, -p, -n wins, as in kmod

    @Option(names = {"-F", "--field"}, paramLabel = "FIELD", description = "Print only this field's values")
    void field(String f) {
        field = f;
    }

    @Option(names = {"-a", "--author"}, description = "Print only 'author'")
    void author(boolean b) {
        field = "author";
    }

    @Option(names = {"-d", "--description"}, description = "Print only 'description'")
    void description(boolean b) {
        field = "description";
    }

    @Option(names = {"-l", "--license"}, description = "Print only 'license'")
    void license(boolean b) {
        field = "license";
    }

    @Option(names = {"-p", "--parameters"}, description = "Print only 'parm'")
    void parameters(boolean b) {
        field = "parm";
    }

    @Option(names = {"-n", "--filename"}, description = "Print only 'filename'")
    void filename(boolean b) {
        field = "filename";
    }

    @Option(names = {"-0", "--null"}, description = "Use \\0 instead of \\n to end each value")
    boolean nul;

    @Option(names = {"-k", "--set-version"}, paramLabel = "KVER", description = "Kernel version whose modules to search (default: the running kernel's)")
    String kversion;

    @Option(names = {"-b", "--basedir"}, paramLabel = "DIR", description = "Search DIR/lib/modules/KVER")
    String basedir;

    @Option(names = "--sysroot", paramLabel = "DIR", description = "Root everything under DIR (modules: DIR/lib/modules/KVER)")
    String sysroot;

    @Option(names = {"-m", "--modname"}, description = "Take the arguments as module names, not aliases or files")
    boolean modname;

    @Option(names = "--json", description = "Print the modules' information as JSON")
    boolean json;

    @Option(names = "--debug", description = "Print stack traces of errors")
    boolean debug;

    @Parameters(arity = "1..*", paramLabel = "MODULE", description = "Module file, name or alias")
    List<String> modules;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        KmodLog log = new KmodLog("modinfo", err);
        String version = kversion != null ? kversion : System.getProperty("os.version");
        // kmod's modinfo reads no modprobe.d (modinfo.c: kmod_new(dirname, &null_config)), so its lookups see no
        // configured aliases, and neither do ours
        RootPrefix root = RootPrefix.of(sysroot, basedir, null);
        ModinfoSearch lookup = new ModinfoSearch(root.moduleDirPath(version), root.sysroot());
        PrintStream out = System.out;
        List<Object> jsonModules = new ArrayList<>();
        int exit = 0;
        for (String arg : modules) {
            List<ModuleInfo> found;
            try {
                found = modname ? lookup.findByName(arg) : resolve(lookup, arg);
            } catch (ModkitException e) {
                log.error(e.getMessage());
                exit = 1;
                continue;
            }
            if (found.isEmpty()) {
                log.error((modname ? "Module name " : "Module ") + arg + " not found.");
                exit = 1;
                continue;
            }
            for (ModuleInfo m : found) {
                if (json) {
                    jsonModules.add(toJson(m));
                } else {
                    // module strings are raw bytes (decoded as ISO-8859-1), so they go out unchanged
                    out.writeBytes(ModinfoFormat.render(m, field, nul ? '\0' : '\n').getBytes(StandardCharsets.ISO_8859_1));
                }
            }
        }
        if (json) {
            out.print(Json.write(jsonModules));
        }
        out.flush();
        return exit;
    }

    /** kmod: an existing regular file with a module extension is read as a file; anything else is looked up. */
    private static List<ModuleInfo> resolve(ModinfoSearch lookup, String arg) {
        Path p = Path.of(arg);
        boolean moduleName = arg.endsWith(".ko") || arg.endsWith(".ko.gz") || arg.endsWith(".ko.xz") || arg.endsWith(".ko.zst");
        if (moduleName && Files.isRegularFile(p)) {
            return List.of(ModuleInfo.read(p, p.toAbsolutePath().toString()));
        }
        List<ModuleInfo> found = lookup.find(arg);
        if (found.isEmpty() && arg.contains("/") && Files.isRegularFile(p)) {
            return List.of(ModuleInfo.read(p, p.toAbsolutePath().toString())); // a .o or other object by path
        }
        return found;
    }

    private Map<String, Object> toJson(ModuleInfo m) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", m.name());
        o.put("filename", m.builtin() ? "(builtin)" : m.filename());
        o.put("builtin", m.builtin());
        List<Object> entries = new ArrayList<>();
        for (ModInfo.Entry e : m.entries()) {
            if (e.key().equals("parm") || e.key().equals("parmtype")) {
                continue;
            }
            if (field != null && !field.equals(e.key())) {
                continue;
            }
            Map<String, Object> kv = new LinkedHashMap<>();
            kv.put("key", e.key());
            kv.put("value", e.value().replace("\n\t\t", ""));
            entries.add(kv);
        }
        o.put("entries", entries);
        List<Object> params = new ArrayList<>();
        for (ModinfoFormat.Param p : ModinfoFormat.params(m.entries())) {
            Map<String, Object> po = new LinkedHashMap<>();
            po.put("name", p.name());
            po.put("description", p.description());
            po.put("type", p.type());
            params.add(po);
        }
        o.put("parameters", params);
        return o;
    }
}
