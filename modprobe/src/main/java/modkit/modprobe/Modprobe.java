package modkit.modprobe;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import modkit.elf.Invocation;
import modkit.elf.ModkitException;
import modkit.elf.ModuleNames;
import modkit.insmod.LinkOptions;
import modkit.insmod.LinkResult;
import modkit.kernel.KernelException;
import modkit.kernel.LoadedModule;
import modkit.moddir.ModuleLookup.Ref;
import modkit.moddir.ModuleDirectory;
import modkit.moddir.ModuleLookup;
import modkit.moddir.ModprobeConfig;

/**
 * modprobe as a library: insert a module with everything it needs, or remove it with what it leaves unused.
 *
 * <p>Insertion follows {@link ProbePlan}: each module of the list that is not already in the kernel (loaded and
 * live, or built in) is either handed to its {@code install} command or linked and loaded like insmod, with its
 * {@code options} (configuration, then kernel command line) and, for the module asked for, the options from the
 * command line. A module found through an alias is skipped if blacklisted; with {@code useBlacklist} also when
 * named directly.
 *
 * <p>Removal of M (kmod's {@code rmmod_do_module}): if M is not loaded and has no {@code remove} command there is
 * nothing to do ({@code --first-time}: an error; built in: an error). Otherwise M's post: softdeps are removed (in
 * reverse, errors ignored), with {@code removeHolders} also every module using M, then M itself (refused while
 * used), then each module on M's modules.dep line that nothing uses any more, then M's pre: softdeps. kmod walks
 * the line once from its end (most basic module first), where a module still held by the next one up stays
 * loaded; modprobe walks it from the start, so a whole chain that only M used goes, and anything another module
 * still uses stays.
 *
 * <p>Without a kernel ({@code --show-depends}) nothing is loaded and loaded state is ignored.
 */
public final class Modprobe {
    /** How to probe: kmod's flags. */
    public record Settings(
            boolean showDepends,
            boolean dryRun,
            boolean firstTime,
            boolean ignoreCommands,
            boolean useBlacklist,
            boolean forceVermagic,
            boolean forceModversion,
            boolean forceRemove,
            boolean removeHolders,
            long removeWaitMillis,
            Map<String, String> commandEnv) {
        public static final Settings DEFAULT =
                new Settings(false, false, false, false, false, false, false, false, false, 0, Map.of());
    }

    private final ModuleLookup<ModuleDirectory> lookup;
    private final LoadedModules kernel;
    private final Settings settings;
    private final Consumer<Action> show;
    private final PrintStream out;
    private final PrintStream err;
    private final List<LinkResult> linked = new ArrayList<>();
    /** Modules whose removal is under way: softdeps that point back (a post: b, b post: a) must not recurse. */
    private final Set<String> removing = new HashSet<>();

    /**
     * @param kernel where to load and what is loaded; null for {@code --show-depends}
     * @param show receives every action as it is done (or would be)
     */
    public Modprobe(ModuleLookup<ModuleDirectory> lookup, LoadedModules kernel, Settings settings, Consumer<Action> show,
            PrintStream out, PrintStream err) {
        this.lookup = lookup;
        this.kernel = kernel;
        this.settings = settings;
        this.show = show;
        this.out = out;
        this.err = err;
    }

    /** What each insertion linked, in load order (for load maps). */
    public List<LinkResult> linked() {
        return linked;
    }

    /** The modules a name stands for, or a file given by path. */
    public List<Ref> resolve(String given) {
        if (ModuleNames.isPath(given)) {
            String abs = given.startsWith("/") ? given : Invocation.absolute(Path.of(given)).toString();
            return List.of(new Ref(ModuleNames.fromPath(given), null, abs));
        }
        return lookup.resolve(given);
    }

    /** Inserts every module the name stands for. {@code extraOptions}: the command line's (may be null). */
    public void insert(String given, String extraOptions) {
        List<Ref> refs = resolve(given);
        if (refs.isEmpty()) {
            throw new ModuleNotFound(given, lookup.directory().dir());
        }
        ModkitException first = null;
        for (Ref r : refs) {
            try {
                insertOne(r, extraOptions);
            } catch (ModkitException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void insertOne(Ref target, String extraOptions) {
        if (!settings.showDepends() && inKernel(target.name())) {
            if (settings.firstTime()) {
                throw new ModkitException("could not insert '" + target.name() + "': Module already in kernel");
            }
            return;
        }
        if (lookup.config().isBlacklisted(target.name()) && (target.alias() != null || settings.useBlacklist())) {
            return;
        }
        for (ProbePlan.Step step : ProbePlan.build(lookup, target, settings.ignoreCommands())) {
            Ref m = step.module();
            if (!settings.showDepends() && inKernel(m.name())) {
                if (m.equals(target) && settings.firstTime()) {
                    throw new ModkitException("could not insert '" + m.name() + "': Module already in kernel");
                }
                continue;
            }
            try {
                insertStep(step, m.equals(target) ? extraOptions : null);
            } catch (ModkitException e) {
                if (step.required()) {
                    throw e;
                }
                err.println("modprobe: warning: softdep " + m.name() + " of " + target.name() + " not loaded: "
                        + e.getMessage());
            }
        }
    }

    private void insertStep(ProbePlan.Step step, String extraOptions) {
        Ref m = step.module();
        String configured = lookup.config().optionsFor(m.name(), m.alias());
        String options = concatOptions(configured, extraOptions);
        String command = lookup.config().installCommandFor(m.name());
        if (command != null && !step.ignoreCommand()) {
            show.accept(new Action("install", m.name(), step.role(), null, command, options));
            if (!settings.dryRun() && !settings.showDepends()) {
                runCommand("install", m.name(), ShellCommand.expand(command, options));
            }
            return;
        }
        String path = m.file() != null ? m.file() : lookup.directory().pathOf(m.name());
        if (path == null) {
            if (lookup.directory().isBuiltin(m.name())) {
                show.accept(new Action("builtin", m.name(), step.role(), null, null, null));
                return;
            }
            if (kernel == null) {
                return; // kmod prints nothing for a name with neither a file nor a built-in module
            }
            throw new ModkitException("could not insert '" + m.name() + "': no such module in "
                    + lookup.directory().dir() + "/modules.dep", "check the name; run depmod if it was added since");
        }
        show.accept(new Action("insmod", m.name(), step.role(), path, null, options));
        if (kernel == null) {
            return;
        }
        LinkOptions link = new LinkOptions(settings.forceVermagic(), settings.forceModversion(), options);
        try {
            linked.add(kernel.insert(path, link));
        } catch (KernelException e) {
            if (!"EEXIST".equals(e.errno())) {
                throw new ModkitException("could not insert '" + m.name() + "': " + e.getMessage(), e.hint());
            }
        } catch (ModkitException e) {
            throw new ModkitException("could not insert '" + m.name() + "': " + e.getMessage(), e.hint());
        }
    }

    /** kmod's {@code module_options_concat}: configured options, a space, the command line's. */
    static String concatOptions(String configured, String extra) {
        boolean hasConfigured = configured != null && !configured.isEmpty();
        boolean hasExtra = extra != null && !extra.isEmpty();
        if (!hasConfigured && !hasExtra) {
            return "";
        }
        return (configured != null ? configured + " " : "") + (extra != null ? extra : "");
    }

    private boolean inKernel(String name) {
        return lookup.directory().isBuiltin(name) || (kernel != null && kernel.isLive(name));
    }

    /** Removes every module the name stands for (a loaded module no file knows of is removed by its name). */
    public void remove(String given) {
        if (kernel == null) {
            throw new IllegalStateException("removal needs a kernel");
        }
        String name = ModuleNames.isPath(given) ? ModuleNames.fromPath(given) : given;
        List<Ref> refs = resolve(name);
        if (refs.isEmpty() && kernel != null && kernel.find(ModuleNames.underscores(name)) != null) {
            refs = List.of(Ref.named(ModuleNames.underscores(name)));
        }
        if (refs.isEmpty()) {
            throw new ModkitException("Module " + given + " not found.");
        }
        for (Ref r : refs) {
            removeOne(r, false);
        }
    }

    private void removeOne(Ref m, boolean quietBuiltin) {
        String name = m.name();
        if (!removing.add(name)) {
            return;
        }
        try {
            removeOneOnce(m, name, quietBuiltin);
        } finally {
            removing.remove(name);
        }
    }

    private void removeOneOnce(Ref m, String name, boolean quietBuiltin) {
        String command = settings.ignoreCommands() ? null : lookup.config().removeCommandFor(name);
        ModprobeConfig.Softdep sd = settings.ignoreCommands() ? null : lookup.config().softdepsFor(name);
        if (command == null) {
            if (lookup.directory().isBuiltin(name)) {
                if (quietBuiltin) {
                    return;
                }
                throw new ModkitException("Module " + name + " is builtin.");
            }
            if (kernel == null || kernel.find(name) == null) {
                if (settings.firstTime()) {
                    throw new ModkitException("Module " + name + " is not in kernel.");
                }
                return;
            }
        }
        if (sd != null) {
            removeSoftdeps(sd.post());
        }
        if (settings.removeHolders() && kernel != null && kernel.find(name) != null) {
            for (String h : kernel.find(name).holders().reversed()) {
                removeOne(Ref.named(h), true);
            }
        }
        if (command != null) {
            show.accept(new Action("remove", name, null, null, command, null));
            if (!settings.dryRun()) {
                runCommand("remove", name, ShellCommand.expand(command, null));
            }
        } else if (kernel.find(name) != null) { // a holder's removal may have taken it already, as unused
            LoadedModule lm = kernel.find(name);
            if (lm.refcnt() > 0 && !settings.forceRemove() && settings.removeWaitMillis() > 0) {
                lm = awaitUnused(name, lm, System.currentTimeMillis() + settings.removeWaitMillis());
            }
            if (lm != null && lm.refcnt() > 0 && !settings.forceRemove()) {
                throw new ModkitException("Module " + name + " is in use.",
                        lm.holders().isEmpty() ? null : "used by: " + String.join(" ", lm.holders()));
            }
            if (lm != null) { // null: someone else removed it while we waited
                delete(name);
            }
            for (String dep : lookup.directory().dependencies(name)) {
                LoadedModule d = kernel.find(dep);
                if (d != null && d.refcnt() == 0) {
                    try {
                        delete(dep);
                    } catch (ModkitException e) {
                        err.println("modprobe: warning: could not remove '" + dep + "': " + e.getMessage());
                    }
                }
            }
        }
        if (sd != null) {
            removeSoftdeps(sd.pre());
        }
    }

    /**
     * kmod's {@code -w}: polls until nothing holds the module or the deadline passes. The last state seen, or null
     * if the module went away meanwhile.
     */
    private LoadedModule awaitUnused(String name, LoadedModule seen, long deadlineMillis) {
        LoadedModule lm = seen;
        while (lm != null && lm.refcnt() > 0 && System.currentTimeMillis() < deadlineMillis) {
            try {
                Thread.sleep(Math.min(REMOVE_POLL_MILLIS, Math.max(1, deadlineMillis - System.currentTimeMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            lm = kernel.find(name); // null: someone else removed it meanwhile
        }
        return lm;
    }

    private static final long REMOVE_POLL_MILLIS = 20;

    private void removeSoftdeps(List<String> names) {
        for (String n : names.reversed()) {
            for (Ref r : lookup.resolve(n).reversed()) {
                try {
                    removeOne(r, true);
                } catch (ModkitException e) {
                    err.println("modprobe: warning: softdep " + r.name() + " not removed: " + e.getMessage());
                }
            }
        }
    }

    private void delete(String name) {
        show.accept(new Action("rmmod", name, null, null, null, null));
        try {
            kernel.remove(name, settings.forceRemove());
        } catch (ModkitException e) {
            throw new ModkitException("could not remove '" + name + "': " + e.getMessage(), e.hint());
        }
    }

    private void runCommand(String type, String module, String command) {
        Map<String, String> env = new HashMap<>(settings.commandEnv());
        env.put("MODPROBE_MODULE", module);
        int code = ShellCommand.run(command, env, out, err);
        if (code != 0) {
            throw new ModkitException("Error running " + type + " command '" + command + "' for module " + module
                    + ": retcode " + code);
        }
    }
}
