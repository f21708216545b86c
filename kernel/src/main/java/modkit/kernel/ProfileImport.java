package modkit.kernel;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import modkit.arch.Arch;
import modkit.arch.ArchTraits;
import modkit.arch.Arches;
import modkit.arch.KernelDescriptors;
import modkit.elf.ModkitException;

/**
 * Makes a {@link KernelProfile} from a real kernel's build outputs: addresses from {@code System.map} (or
 * {@code /proc/kallsyms} text, same columns), exports with CRC, licence flag and namespace from
 * {@code Module.symvers} (6.1 column order: crc, symbol, module, macro, namespace), and from the config only
 * the options that change layout and checks. Only symbols that vmlinux exports are kept.
 */
public final class ProfileImport {
    /**
     * Options copied from the config: everything that changes how a module is checked or laid out, and the
     * options each arch's hooks read ({@link modkit.arch.ArchTraits#configOptions}).
     */
    private static final Set<String> KEPT = kept();

    private static Set<String> kept() {
        Set<String> k = new HashSet<>(Set.of(
                "CONFIG_SMP", "CONFIG_PREEMPT_BUILD", "CONFIG_PREEMPT_RT", "CONFIG_STRICT_MODULE_RWX",
                "CONFIG_MODULE_UNLOAD", "CONFIG_MODULE_FORCE_LOAD", "CONFIG_MODULE_FORCE_UNLOAD", "CONFIG_MODVERSIONS",
                "CONFIG_MODULE_SIG", "CONFIG_MODULE_SIG_FORCE", "CONFIG_KALLSYMS", "CONFIG_KALLSYMS_ALL",
                "CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS", "CONFIG_GCC_VERSION", "CONFIG_RANDSTRUCT"));
        for (Arch a : Arches.all()) {
            k.addAll(a.traits().configOptions());
        }
        return Set.copyOf(k);
    }

    /** Inputs; {@code config}, {@code release}, {@code arch} and {@code vermagic} may be null. */
    public record Request(Path systemMap, Path symvers, Path config, String release, String arch, String vermagic) {}

    private ProfileImport() {}

    public static KernelProfile run(Request req) {
        Map<String, String> fullConfig = req.config() == null ? Map.of() : readConfig(req.config());
        Arch target = req.arch() != null ? Arches.require(req.arch()) : Arches.forConfig(fullConfig);
        Map<String, Character> types = new HashMap<>();
        Map<String, Long> addresses = readSystemMap(req.systemMap(), types);
        if (target == null) {
            target = guessArch(addresses);
        }
        String arch = target.name();
        String release = req.release() != null ? req.release() : releaseFromName(req.systemMap());
        if (release == null) {
            throw new ModkitException(req.systemMap() + ": cannot tell the kernel release from the file name",
                    "pass --release, e.g. --release 6.1.0-56-amd64");
        }
        Map<String, String> config = new HashMap<>(fullConfig.isEmpty() ? kconfigDefaults(target) : keptConfig(fullConfig));
        config.put("MODKIT_REJECT_MISSING_CRC", rejectsMissingCrc(release) ? "y" : "n");
        String vermagic = req.vermagic() != null ? req.vermagic() : vermagic(release, arch, fullConfig);
        List<KernelSymbol> symbols = readSymvers(req.symvers(), addresses);
        KernelDescriptors d = target.kernelDescriptors(req.systemMap().toString(),
                symbols.stream().map(KernelSymbol::name).toList(), addresses, types);
        if (!d.addressOf().isEmpty()) {
            List<KernelSymbol> withDescriptors = new ArrayList<>(symbols.size());
            for (KernelSymbol s : symbols) {
                Long at = d.addressOf().get(s.name());
                withDescriptors.add(at == null ? s : new KernelSymbol(s.name(), at, s.crc(), s.gpl(), s.namespace(), s.owner()));
            }
            symbols = withDescriptors;
        }
        // Where the per-cpu allocator puts a module's per-cpu data, on the kernels where modkit models it.
        if (target.percpuReserve(addresses)) {
            String percpu = percpuModuleArea(addresses);
            if (percpu != null) {
                config.put("MODKIT_PERCPU_MODULE_AREA", percpu);
            }
        }
        ArchTraits.Area area = target.traits().moduleArea();
        return new KernelProfile(arch, release, vermagic, target.pageSize(k -> on(fullConfig, k)), area.start(), area.end(),
                config, new SymbolMap(symbols, d.table()));
    }

    /** PERCPU_MODULE_RESERVE of include/linux/percpu.h. */
    static final long PERCPU_MODULE_RESERVE = 8 << 10;

    /**
     * "START-END" of the per-cpu reserve for modules: the reserved chunk right after the kernel's static per-cpu
     * data (pcpu_setup_first_chunk), or null without __per_cpu_start/__per_cpu_end.
     */
    static String percpuModuleArea(Map<String, Long> addresses) {
        Long start = addresses.get("__per_cpu_start");
        Long end = addresses.get("__per_cpu_end");
        if (start == null || end == null) {
            return null;
        }
        long reserve = start + ((end - start + 3) & -4L); // static size rounded to PCPU_MIN_ALLOC_SIZE
        return "0x" + Long.toHexString(reserve) + "-0x" + Long.toHexString(reserve + PERCPU_MODULE_RESERVE);
    }

    /** The options of a full .config that a profile keeps ({@link #KEPT}). */
    public static Map<String, String> keptConfig(Map<String, String> full) {
        Map<String, String> out = new HashMap<>();
        full.forEach((k, v) -> {
            if (KEPT.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * Debian kernels reject a versioned symbol without a {@code __versions} entry (see
     * {@link KernelProfile#rejectsMissingCrc}); their releases look like 6.1.0-56-amd64.
     */
    public static boolean rejectsMissingCrc(String release) {
        return release.matches("\\d+\\.\\d+\\.\\d+-\\d+-.*");
    }

    /** VERMAGIC_STRING of include/linux/vermagic.h (6.1), built from the config. */
    public static String vermagic(String release, String arch, Map<String, String> c) {
        StringBuilder v = new StringBuilder(release).append(' ');
        if (on(c, "CONFIG_SMP")) {
            v.append("SMP ");
        }
        if (on(c, "CONFIG_PREEMPT_RT")) {
            v.append("preempt_rt ");
        } else if (on(c, "CONFIG_PREEMPT_BUILD")) {
            v.append("preempt ");
        }
        if (on(c, "CONFIG_MODULE_UNLOAD")) {
            v.append("mod_unload ");
        }
        if (on(c, "CONFIG_MODVERSIONS")) {
            v.append("modversions ");
        }
        return v.append(Arches.require(arch).vermagicSuffix(c)).toString();
    }

    private static boolean on(Map<String, String> c, String k) {
        return "y".equals(c.get(k));
    }

    private static Map<String, String> kconfigDefaults(Arch arch) {
        Map<String, String> d = new HashMap<>();
        // Kconfig defaults: STRICT_MODULE_RWX defaults to y where the arch supports it; MODULE_UNLOAD, MODVERSIONS
        // and MODULE_SIG default to n.
        if (arch.traits().strictModuleRwx()) {
            d.put("CONFIG_STRICT_MODULE_RWX", "y");
        }
        return d;
    }

    private static Arch guessArch(Map<String, Long> addresses) {
        Arch a = Arches.forSystemMap(addresses);
        if (a == null) {
            throw new ModkitException("cannot tell the architecture from System.map",
                    "pass --arch (" + String.join(", ", Arches.all().stream().map(Arch::name).toList())
                            + ") or --config with the kernel's .config");
        }
        return a;
    }

    private static String releaseFromName(Path systemMap) {
        String n = systemMap.getFileName().toString().replaceFirst("\\.gz$", "");
        return n.startsWith("System.map-") ? n.substring("System.map-".length()) : null;
    }

    private static BufferedReader open(Path p) {
        try {
            byte[] b = Files.readAllBytes(p);
            InputStream in = new ByteArrayInputStream(b);
            if (b.length > 2 && b[0] == 0x1f && (b[1] & 0xff) == 0x8b) {
                in = new GZIPInputStream(in);
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new ModkitException(p + ": no such file");
        } catch (IOException e) {
            throw new ModkitException(p + ": cannot read: " + e.getMessage());
        }
    }

    /** A .config (plain or gzip, as /proc/config.gz): every CONFIG_ line's value, quotes removed. */
    public static Map<String, String> readConfig(Path p) {
        Map<String, String> out = new HashMap<>();
        try (BufferedReader r = open(p)) {
            for (String line; (line = r.readLine()) != null; ) {
                int eq = line.indexOf('=');
                if (line.startsWith("CONFIG_") && eq > 0) {
                    out.put(line.substring(0, eq), line.substring(eq + 1).replace("\"", ""));
                }
            }
        } catch (IOException e) {
            throw new ModkitException(p + ": cannot read: " + e.getMessage());
        }
        return out;
    }

    /** System.map / kallsyms: "ADDRESS TYPE NAME [\[module\]]". The first address of a name wins. */
    static Map<String, Long> readSystemMap(Path p) {
        return readSystemMap(p, new HashMap<>());
    }

    /** Like {@link #readSystemMap(Path)}, also collecting each name's type letter (T, D, ...) into {@code types}. */
    static Map<String, Long> readSystemMap(Path p, Map<String, Character> types) {
        Map<String, Long> out = new HashMap<>(1 << 18);
        int lineNo = 0;
        try (BufferedReader r = open(p)) {
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                String[] f = line.trim().split("\\s+");
                if (f.length < 3 || f.length > 4) {
                    if (line.isBlank()) {
                        continue;
                    }
                    throw new ModkitException(p + ":" + lineNo + ": not a System.map line: '" + line + "'");
                }
                if (f.length == 4) {
                    continue; // a module's symbol in /proc/kallsyms: not part of the kernel image
                }
                if (out.putIfAbsent(f[2], ProfileFile.parseHex(p + ":" + lineNo, f[0])) == null) {
                    types.put(f[2], f[1].charAt(0));
                }
            }
        } catch (IOException e) {
            throw new ModkitException(p + ": cannot read: " + e.getMessage());
        }
        return out;
    }

    /** One line of Module.symvers (6.1 columns: CRC, symbol, module, EXPORT_SYMBOL[_GPL], namespace). */
    public record SymversEntry(String name, long crc, String module, boolean gpl, String namespace, int line) {}

    /** Every line of a Module.symvers file (plain or gzip); one error naming file and line for a line that is not one. */
    public static List<SymversEntry> readSymversFile(Path p) {
        List<SymversEntry> out = new ArrayList<>();
        int lineNo = 0;
        try (BufferedReader r = open(p)) {
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length < 4 || !f[0].startsWith("0x")) {
                    throw new ModkitException(p + ":" + lineNo + ": not a Module.symvers line (want CRC<TAB>SYMBOL<TAB>MODULE<TAB>EXPORT_SYMBOL[_GPL]<TAB>NAMESPACE)");
                }
                out.add(new SymversEntry(f[1], ProfileFile.parseHex(p + ":" + lineNo, f[0]), f[2], f[3].endsWith("_GPL"),
                        f.length > 4 ? f[4] : "", lineNo));
            }
        } catch (IOException e) {
            throw new ModkitException(p + ": cannot read: " + e.getMessage());
        }
        return out;
    }

    static List<KernelSymbol> readSymvers(Path p, Map<String, Long> addresses) {
        List<KernelSymbol> out = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (SymversEntry e : readSymversFile(p)) {
            if (!e.module().equals("vmlinux")) {
                continue;
            }
            Long address = addresses.get(e.name());
            if (address == null) {
                missing.add(e.name());
                continue;
            }
            out.add(new KernelSymbol(e.name(), address, e.crc(), e.gpl(), e.namespace(), null));
        }
        if (!missing.isEmpty()) {
            throw new ModkitException(p + ": " + missing.size() + " exported symbols are not in System.map, e.g. "
                    + missing.get(0), "are System.map and Module.symvers from the same kernel build?");
        }
        return out;
    }
}
