package modkit.modinfo.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import modkit.command.Getopt;
import modkit.command.Json;
import modkit.command.OptionTable;
import modkit.command.OptionTable.Opt;
import modkit.depmod.KmodLog;
import modkit.elf.Invocation;
import modkit.elf.ModInfo;
import modkit.elf.ModkitException;
import modkit.modinfo.ModinfoFormat;
import modkit.modinfo.ModuleInfo;
import modkit.modinfo.ModinfoSearch;
import modkit.moddir.RootPrefix;

/** {@code modinfo [-F FIELD | -a -d -l -p -n] [-0m] [-k KVER] [-b DIR | --sysroot DIR] MODULE...}, kmod's flags and output. */
public final class ModinfoCommand {
    private static final Opt FIELD = Opt.value("FIELD", "Print only this field's values", "-F", "--field");
    private static final Opt AUTHOR = Opt.flag("Print only 'author'", "-a", "--author");
    private static final Opt DESCRIPTION = Opt.flag("Print only 'description'", "-d", "--description");
    private static final Opt LICENSE = Opt.flag("Print only 'license'", "-l", "--license");
    private static final Opt PARAMETERS = Opt.flag("Print only 'parm'", "-p", "--parameters");
    private static final Opt FILENAME = Opt.flag("Print only 'filename'", "-n", "--filename");
    private static final Opt NUL = Opt.flag("Use \\0 instead of \\n to end each value", "-0", "--null");
    private static final Opt SET_VERSION = Opt.value("KVER", "Kernel version whose modules to search (default: the running kernel's)", "-k", "--set-version");
    private static final Opt BASEDIR = Opt.value("DIR", "Search DIR/lib/modules/KVER", "-b", "--basedir");
    private static final Opt SYSROOT = Opt.value("DIR", "Root everything under DIR (modules: DIR/lib/modules/KVER)", "--sysroot");
    private static final Opt MODNAME = Opt.flag("Take the arguments as module names, not aliases or files", "-m", "--modname");
    private static final Opt JSON = Opt.flag("Print the modules' information as JSON", "--json");
    private static final Opt DEBUG = Opt.flag("Print stack traces of errors", "--debug");

    public static final OptionTable OPTIONS = new OptionTable("modinfo", "modkit modinfo 0.1",
            "Show information about kernel modules: a file, or a name or alias looked up in /lib/modules.",
            List.of(FIELD, AUTHOR, DESCRIPTION, LICENSE, PARAMETERS, FILENAME, NUL, SET_VERSION, BASEDIR, SYSROOT,
                    MODNAME, JSON, DEBUG),
            List.of(new OptionTable.Operands("MODULE", "1..*", "Module file, name or alias")));

    /** The fields the one-field options print; the last of -F, -a, -d, -l, -p, -n wins, as in kmod. */
    private static final Map<Opt, String> FIELD_OPTIONS = new IdentityHashMap<>();

    static {
        // (by identity: hashing a record key bootstraps its hashCode through invokedynamic, 10 ms at start)
        FIELD_OPTIONS.put(AUTHOR, "author");
        FIELD_OPTIONS.put(DESCRIPTION, "description");
        FIELD_OPTIONS.put(LICENSE, "license");
        FIELD_OPTIONS.put(PARAMETERS, "parm");
        FIELD_OPTIONS.put(FILENAME, "filename");
    }

    private ModinfoCommand() {}

    public static int run(String... args) {
        return OPTIONS.run(args, ModinfoCommand::modinfo);
    }

    private static int modinfo(OptionTable.Args a) {
        if (a.operands().isEmpty()) {
            throw new Getopt.UsageException("missing module file, name or alias");
        }
        String field = null;
        for (OptionTable.Given g : a.options()) {
            if (g.option() == FIELD) {
                field = g.value();
            } else if (FIELD_OPTIONS.containsKey(g.option())) {
                field = FIELD_OPTIONS.get(g.option());
            }
        }
        boolean modname = a.has(MODNAME);
        boolean json = a.has(JSON);
        PrintWriter err = new PrintWriter(System.err, true);
        KmodLog log = new KmodLog("modinfo", err);
        String kversion = a.value(SET_VERSION);
        String version = kversion != null ? kversion : System.getProperty("os.version");
        // kmod's modinfo reads no modprobe.d (modinfo.c: kmod_new(dirname, &null_config)), so its lookups see no
        // configured aliases, and neither do ours
        RootPrefix root = RootPrefix.of(a.value(SYSROOT), a.value(BASEDIR), null);
        ModinfoSearch lookup = new ModinfoSearch(root.moduleDirPath(version), root.sysroot());
        PrintStream out = System.out;
        List<Object> jsonModules = new ArrayList<>();
        int exit = 0;
        for (String arg : a.operands()) {
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
                    jsonModules.add(toJson(m, field));
                } else {
                    // module strings are raw bytes (decoded as ISO-8859-1), so they go out unchanged
                    out.writeBytes(ModinfoFormat.render(m, field, a.has(NUL) ? '\0' : '\n').getBytes(StandardCharsets.ISO_8859_1));
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
            return List.of(ModuleInfo.read(p, Invocation.absolute(p).toString()));
        }
        List<ModuleInfo> found = lookup.find(arg);
        if (found.isEmpty() && arg.contains("/") && Files.isRegularFile(p)) {
            return List.of(ModuleInfo.read(p, Invocation.absolute(p).toString())); // a .o or other object by path
        }
        return found;
    }

    private static Map<String, Object> toJson(ModuleInfo m, String field) {
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
