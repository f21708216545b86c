package modkit.arch;

import java.util.List;
import java.util.Map;
import modkit.arch.m68k.M68kArch;
import modkit.arch.ia64.Ia64Arch;
import modkit.arch.x86.I386Arch;
import modkit.arch.x86.X86_64Arch;
import modkit.elf.ModkitException;

/**
 * The architectures modkit links for. Any host links for any of them. An arch is one package under
 * {@code modkit.arch} with an {@link Arch} (its {@link ArchTraits} included), registered by one entry in
 * {@link #ALL}; the order is the order {@link #forSystemMap} tries them in.
 */
public final class Arches {
    private static final List<Arch> ALL = List.of(new X86_64Arch(), new I386Arch(), new M68kArch(), new Ia64Arch());

    private Arches() {}

    public static List<Arch> all() {
        return ALL;
    }

    /** The arch for an object's {@code e_machine}, or null if modkit does not link it. */
    public static Arch forMachine(int eMachine) {
        for (Arch a : ALL) {
            if (a.acceptsMachine(eMachine)) {
                return a;
            }
        }
        return null;
    }

    /** The arch with this {@link Arch#name()}, or null. */
    public static Arch byName(String name) {
        for (Arch a : ALL) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /** The arch {@code uname -m} (or Java's {@code os.arch}) calls {@code machine}, or null. */
    public static Arch forUname(String machine) {
        for (Arch a : ALL) {
            if (a.traits().unameMachines().contains(machine)) {
                return a;
            }
        }
        return null;
    }

    /** The arch whose {@link ArchTraits#kconfig} option is y in a kernel config, or null. */
    public static Arch forConfig(Map<String, String> config) {
        for (Arch a : ALL) {
            if ("y".equals(config.get(a.traits().kconfig()))) {
                return a;
            }
        }
        return null;
    }

    /** The arch that {@link Arch#recognizes} this System.map, or null. */
    public static Arch forSystemMap(Map<String, Long> systemMap) {
        for (Arch a : ALL) {
            if (a.recognizes(systemMap)) {
                return a;
            }
        }
        return null;
    }

    /** The arch named {@code name}, or an error listing the ones modkit links. */
    public static Arch require(String name) {
        Arch a = byName(name);
        if (a == null) {
            throw new ModkitException("unknown architecture '" + name + "'", "modkit links " + names());
        }
        return a;
    }

    /** "x86_64, i386, m68k and ia64": the registered names, for messages. */
    public static String names() {
        List<String> n = ALL.stream().map(Arch::name).toList();
        return n.size() == 1 ? n.get(0) : String.join(", ", n.subList(0, n.size() - 1)) + " and " + n.get(n.size() - 1);
    }

    /** A readable name for an {@code e_machine} value, for messages. */
    public static String machineName(int eMachine) {
        return switch (eMachine) {
            case 3 -> "EM_386";
            case 4 -> "EM_68K";
            case 6 -> "EM_486";
            case 40 -> "EM_ARM";
            case 50 -> "EM_IA_64";
            case 62 -> "EM_X86_64";
            case 183 -> "EM_AARCH64";
            case 243 -> "EM_RISCV";
            default -> "machine " + eMachine;
        };
    }
}
