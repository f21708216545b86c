package modkit.lsmod;

import java.util.ArrayList;
import java.util.List;
import modkit.command.Json;
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
            // kmod's "%-19s %8lu  %d", padded by hand: java.util.Formatter's first use costs 8 ms of a 0.2 s lsmod
            b.append(m.name()).repeat(' ', Math.max(0, 19 - m.name().length())).append(' ');
            String size = Long.toString(m.coreSize());
            b.repeat(' ', Math.max(0, 8 - size.length())).append(size).append("  ").append(m.refcnt());
            if (!m.holders().isEmpty()) {
                b.append(' ').append(String.join(",", SysfsOrder.sort(m.holders(), is64)));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** One line per module; names are escaped as any JSON string (a module renamed with -o may hold a quote). */
    public static String json(List<LoadedModule> modules) {
        List<Object> rows = new ArrayList<>();
        for (LoadedModule m : modules) {
            rows.add(Json.inline(Json.object("name", m.name(), "size", m.coreSize(), "refcnt", m.refcnt(),
                    "used_by", m.holders(), "state", m.state().procWord(), "address", Json.hex(m.address()),
                    "taints", m.taints())));
        }
        return Json.write(rows);
    }
}
