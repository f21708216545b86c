package modkit.kernel.linux;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import modkit.arch.Arch;
import modkit.arch.ArchTraits;
import modkit.arch.Arches;
import modkit.elf.ModInfo;
import modkit.elf.ModkitException;
import modkit.elf.ModuleSummary;
import modkit.kernel.KernelProfile;
import modkit.kernel.KernelSymbol;
import modkit.kernel.ProfileImport;
import modkit.kernel.SymbolMap;

/**
 * A kernel profile of the running kernel, from what it shows of itself: the release and machine, its exports
 * ({@code __ksymtab_} entries in /proc/kallsyms) with their addresses where {@code kptr_restrict} allows, and,
 * where they can be found, its Module.symvers (CRCs, GPL-only flags, namespaces), its config and the vermagic of
 * its modules. What could not be found is left for the kernel to check; {@link #notes} says which.
 */
record LiveProfile(KernelProfile profile, List<String> notes) {

    static LiveProfile read(SystemFiles sys, Path symversOption) {
        List<String> notes = new ArrayList<>();
        String release = sys.value("/proc/sys/kernel/osrelease");
        if (release == null || release.isEmpty()) {
            throw new ModkitException(sys.path("/proc/sys/kernel/osrelease") + ": cannot read the kernel release",
                    "is /proc mounted?");
        }
        String arch = machine(sys);
        Arch target = Arches.require(arch);
        Kallsyms kallsyms = Kallsyms.read(sys.path("/proc/kallsyms"), false);
        if (!kallsyms.addressesVisible) {
            notes.add("/proc/kallsyms shows no addresses (kptr_restrict, or not root): the check links at placeholder addresses only");
        }

        Map<String, String> config = config(sys, release, notes);
        boolean configKnown = !config.isEmpty();
        if (!configKnown) {
            // Without the config, modkit guesses permissively and leaves the rest to the kernel.
            config.put("CONFIG_MODULE_UNLOAD", "y");
            config.put("CONFIG_MODULE_FORCE_LOAD", "y");
            config.put("CONFIG_MODULE_FORCE_UNLOAD", "y");
            if (target.traits().strictModuleRwx()) {
                config.put("CONFIG_STRICT_MODULE_RWX", "y");
            }
            if (kallsyms.kernelExports.containsKey("module_layout")) {
                config.put("CONFIG_MODVERSIONS", "y"); // module_layout is exported for modversions alone
            }
            // /proc/kallsyms itself says CONFIG_KALLSYMS, which adds the symbol tables to a module's layout; data
            // symbols in it say CONFIG_KALLSYMS_ALL, which keeps more of them in core.
            if (!kallsyms.kernel.isEmpty()) {
                config.put("CONFIG_KALLSYMS", "y");
            }
            if (kallsyms.hasDataSymbols) {
                config.put("CONFIG_KALLSYMS_ALL", "y");
            }
        }
        String sigEnforce = sys.value("/sys/module/module/parameters/sig_enforce");
        if (sigEnforce != null) {
            config.put("CONFIG_MODULE_SIG", "y");
            // module.sig_enforce=1 on the command line enforces as CONFIG_MODULE_SIG_FORCE does.
            config.put("CONFIG_MODULE_SIG_FORCE", sigEnforce.equals("Y") ? "y" : "n");
        }
        config.put("MODKIT_REJECT_MISSING_CRC", ProfileImport.rejectsMissingCrc(release) ? "y" : "n");

        List<KernelSymbol> exports = exports(sys, release, symversOption, kallsyms, notes);
        String vermagic = vermagic(sys, release, arch, configKnown ? config : null, notes);
        ArchTraits.Area area = target.traits().moduleArea();
        KernelProfile p = new KernelProfile(arch, release, vermagic, target.pageSize(k -> "y".equals(config.get(k))),
                area.start(), area.end(), config, new SymbolMap(exports));
        return new LiveProfile(p, List.copyOf(notes));
    }

    /** uname's machine, in modkit's arch names; an arch modkit cannot link keeps its own name. */
    static String machine(SystemFiles sys) {
        String m = sys.value("/proc/sys/kernel/arch"); // the kernel's uname -m (5.x and later)
        if (m == null) {
            m = System.getProperty("os.arch", "");
        }
        m = m.toLowerCase(Locale.ROOT);
        Arch a = Arches.forUname(m);
        return a == null ? m : a.name();
    }

    private static Map<String, String> config(SystemFiles sys, String release, List<String> notes) {
        for (String f : List.of("/proc/config.gz", "/boot/config-" + release, "/lib/modules/" + release + "/build/.config")) {
            if (sys.exists(f)) {
                return ProfileImport.keptConfig(ProfileImport.readConfig(sys.path(f)));
            }
        }
        notes.add("no kernel config found (/proc/config.gz, /boot/config-" + release
                + "): layout options guessed, forced loads and unloads left to the kernel");
        return new HashMap<>();
    }

    /** The kernel image's exports: from Module.symvers where there is one, else from kallsyms alone. */
    private static List<KernelSymbol> exports(SystemFiles sys, String release, Path option, Kallsyms kallsyms,
            List<String> notes) {
        Path symvers = option;
        if (symvers == null) {
            for (String f : List.of("/lib/modules/" + release + "/build/Module.symvers",
                    "/usr/src/linux-headers-" + release + "/Module.symvers", "/boot/symvers-" + release + ".gz")) {
                if (sys.exists(f)) {
                    symvers = sys.path(f);
                    break;
                }
            }
        } else if (!Files.isRegularFile(symvers)) {
            throw new ModkitException(symvers + ": no such file", "--symvers takes the running kernel's Module.symvers");
        }
        List<KernelSymbol> out = new ArrayList<>();
        if (symvers == null) {
            notes.add("no Module.symvers for " + release + " (looked in /lib/modules/" + release + "/build, /usr/src/linux-headers-"
                    + release + ", /boot/symvers-" + release + ".gz): symbol versions (CRCs), GPL-only flags and namespaces"
                    + " of the kernel's exports are left to the kernel; give one with --symvers FILE");
            kallsyms.kernelExports.forEach((name, entry) -> out.add(new KernelSymbol(name,
                    kallsyms.kernel.getOrDefault(name, 0L), null, kallsyms.kernelGplOnly(entry), "", null)));
            return out;
        }
        int foreign = 0;
        String example = null;
        for (ProfileImport.SymversEntry e : ProfileImport.readSymversFile(symvers)) {
            if (!e.module().equals("vmlinux")) {
                continue;
            }
            if (!kallsyms.kernelExports.containsKey(e.name())) {
                foreign++;
                example = example == null ? e.name() : example;
                continue;
            }
            out.add(new KernelSymbol(e.name(), kallsyms.kernel.getOrDefault(e.name(), 0L), e.crc(), e.gpl(), e.namespace(), null));
        }
        notes.add("symbol versions from " + symvers + " (" + out.size() + " exports of the kernel image)");
        if (foreign > 0) {
            notes.add(symvers + ": " + foreign + " of its exports (e.g. " + example
                    + ") are not exported by the running kernel; is it the Module.symvers of another build?");
        }
        return out;
    }

    /** The vermagic of a module installed for this release, else the one the config implies, else none (left to the kernel). */
    private static String vermagic(SystemFiles sys, String release, String arch, Map<String, String> config, List<String> notes) {
        String dir = "/lib/modules/" + release;
        Path dep = sys.path(dir + "/modules.dep");
        if (Files.isRegularFile(dep)) {
            try (BufferedReader r = Files.newBufferedReader(dep, StandardCharsets.UTF_8)) {
                String line = r.readLine();
                int colon = line == null ? -1 : line.indexOf(':');
                if (colon > 0) {
                    String rel = line.substring(0, colon);
                    Path module = rel.startsWith("/") ? sys.path(rel) : sys.path(dir + "/" + rel);
                    for (ModInfo.Entry e : ModuleSummary.read(module, Set.of("vermagic")).modinfo()) {
                        if (e.key().equals("vermagic")) {
                            return e.value();
                        }
                    }
                }
            } catch (IOException | ModkitException e) {
                // fall through to the config
            }
        }
        if (config != null) {
            return ProfileImport.vermagic(release, arch, config);
        }
        notes.add("no vermagic known for " + release + " (no module in " + dir + "/modules.dep, no config): the kernel checks it");
        return null;
    }
}
