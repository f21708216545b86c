package modkit.modprobe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import modkit.moddir.ModuleLookup.Ref;
import modkit.moddir.ModprobeConfig;
import modkit.moddir.ModuleDirectory;
import modkit.moddir.ModuleLookup;

/**
 * The list of modules {@code modprobe M} works through, built as kmod builds it
 * ({@code kmod_module_get_probe_list}):
 *
 * <pre>
 * probe(M):   if M was visited: nothing; mark M visited
 *             for each dependency D of M, most basic first (modules.dep line read backwards): softdeps(D)
 *             softdeps(M)                       (with -i for the named module: just M, its softdeps skipped)
 * softdeps(X): probe(P) for each pre: P;  X;  probe(Q) for each post: Q
 * </pre>
 *
 * Dependencies are not marked visited, so a module can appear more than once (uhci_hcd's pre: ehci_pci brings
 * usbcore a second time; kmod prints it twice and the second insert finds it loaded). A module with softdeps has
 * its install command ignored. The named module and its modules.dep dependencies are "required": a failure
 * among them stops modprobe, a failing softdep is reported and skipped.
 */
public final class ProbePlan {
    /**
     * One entry of the list.
     *
     * @param role "target" (the module asked for), "dep" (from modules.dep), "pre" or "post" (a softdep)
     */
    public record Step(Ref module, String role, boolean required, boolean ignoreCommand) {}

    private final ModuleLookup<ModuleDirectory> lookup;
    private final List<Ref> order = new ArrayList<>();
    private final List<String> roles = new ArrayList<>();
    private final Set<Ref> visited = new HashSet<>();
    private final Set<Ref> required = new HashSet<>();
    private final Map<Ref, Boolean> ignoreCommand = new HashMap<>();

    private ProbePlan(ModuleLookup<ModuleDirectory> lookup) {
        this.lookup = lookup;
    }

    public static List<Step> build(ModuleLookup<ModuleDirectory> lookup, Ref target, boolean ignoreCommands) {
        ProbePlan p = new ProbePlan(lookup);
        p.probe(target, true, ignoreCommands, "target");
        List<Step> out = new ArrayList<>();
        for (int i = 0; i < p.order.size(); i++) {
            Ref r = p.order.get(i);
            out.add(new Step(r, p.roles.get(i), p.required.contains(r), p.ignoreCommand.getOrDefault(r, false)));
        }
        return out;
    }

    private void probe(Ref m, boolean isRequired, boolean ignoreCmd, String role) {
        if (!visited.add(m)) {
            return;
        }
        List<Ref> deps = new ArrayList<>();
        List<String> names = lookup.directory().dependencies(m.name());
        for (int i = names.size() - 1; i >= 0; i--) {
            deps.add(Ref.named(names.get(i)));
        }
        if (isRequired) {
            required.add(m);
            required.addAll(deps);
        }
        for (Ref d : deps) {
            softdeps(d, "dep");
        }
        if (ignoreCmd) {
            append(m, role);
            ignoreCommand.put(m, true);
        } else {
            softdeps(m, role);
        }
    }

    private void softdeps(Ref m, String role) {
        ModprobeConfig.Softdep sd = lookup.config().softdepsFor(m.name());
        List<Ref> pre = sd == null ? List.of() : resolveAll(sd.pre());
        List<Ref> post = sd == null ? List.of() : resolveAll(sd.post());
        for (Ref p : pre) {
            probe(p, false, false, "pre");
        }
        append(m, role);
        ignoreCommand.put(m, !pre.isEmpty() || !post.isEmpty());
        for (Ref p : post) {
            probe(p, false, false, "post");
        }
    }

    private List<Ref> resolveAll(List<String> names) {
        List<Ref> out = new ArrayList<>();
        for (String n : names) {
            out.addAll(lookup.resolve(n));
        }
        return out;
    }

    private void append(Ref m, String role) {
        order.add(m);
        roles.add(role);
    }
}
