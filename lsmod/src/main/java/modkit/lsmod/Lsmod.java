package modkit.lsmod;

import java.util.List;
import modkit.kernel.LoadedModule;

/**
 * Formats the module list as kmod's lsmod does, or as JSON. kmod reads each module's size (coresize), use count
 * and holders from /sys/module/NAME, so the holders come in the order sysfs lists them ({@link SysfsOrder}).
 */
public final class Lsmod {
    private Lsmod() {}

    /** {@code arch}: the kernel's, whose word size decides the sysfs order. */
    public static String text(List<LoadedModule> modules, String arch) {
        boolean is64 = SysfsOrder.is64(arch);
        StringBuilder b = new StringBuilder("Module                  Size  Used by\n");
        for (LoadedModule m : modules) {
            b.append(String.format("%-19s %8d  %d", m.name(), m.coreSize(), m.refcnt()));
            if (!m.holders().isEmpty()) {
                b.append(' ').append(String.join(",", SysfsOrder.sort(m.holders(), is64)));
            }
            b.append('\n');
        }
        return b.toString();
    }

    public static String json(List<LoadedModule> modules) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < modules.size(); i++) {
            LoadedModule m = modules.get(i);
            b.append(i == 0 ? "\n" : ",\n").append("  {\"name\": \"").append(m.name()).append("\", \"size\": ")
                    .append(m.coreSize()).append(", \"refcnt\": ").append(m.refcnt()).append(", \"used_by\": [");
            for (int j = 0; j < m.holders().size(); j++) {
                b.append(j == 0 ? "" : ", ").append('"').append(m.holders().get(j)).append('"');
            }
            b.append("], \"state\": \"").append(m.state().procWord()).append("\", \"address\": \"0x")
                    .append(Long.toHexString(m.address())).append("\", \"taints\": \"").append(m.taints()).append("\"}");
        }
        return b.append(modules.isEmpty() ? "]\n" : "\n]\n").toString();
    }
}
