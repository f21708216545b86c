package modkit.arch;

import java.util.List;
import modkit.arch.m68k.M68kArch;
import modkit.arch.ia64.Ia64Arch;
import modkit.arch.x86.I386Arch;
import modkit.arch.x86.X86_64Arch;

/** The architectures modkit links for. Any host links for any of them. */
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
