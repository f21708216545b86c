package modkit.lsmod;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import modkit.command.Json;
import modkit.kernel.KernelProfile;
import modkit.kernel.LoadedModule;
import modkit.kernel.Taint;

/**
 * The module list in /proc/modules' format ({@code m_show}): name, size, refcount, users ("-" if none,
 * "[permanent]" for a module with init but no exit), state word, address, and the taint/state flags.
 */
public final class ProcModules {
    private ProcModules() {}

    public static String text(List<LoadedModule> modules, KernelProfile profile) {
        StringBuilder b = new StringBuilder();
        int digits = profile.pointerSize() * 2;
        for (LoadedModule m : modules) {
            b.append(m.name()).append(' ').append(m.size());
            if (profile.moduleUnload()) {
                b.append(' ').append(m.refcnt()).append(' ').append(users(m));
            } else {
                b.append(" - -");
            }
            b.append(' ').append(m.state().procWord()).append(" 0x")
                    .append(String.format("%0" + digits + "x", m.address()));
            String flags = Taint.moduleFlags(m.taints(), m.state());
            if (!flags.isEmpty()) {
                b.append(' ').append(flags);
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String users(LoadedModule m) {
        StringBuilder u = new StringBuilder();
        for (String h : m.holders()) {
            u.append(h).append(',');
        }
        if (m.hasInit() && !m.hasExit()) {
            u.append("[permanent],");
        }
        return u.isEmpty() ? "-" : u.toString();
    }

    public static String json(List<LoadedModule> modules, String kernelTaints) {
        List<Object> list = new ArrayList<>();
        for (LoadedModule m : modules) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", m.name());
            o.put("size", m.size());
            o.put("refcnt", m.refcnt());
            o.put("used_by", m.holders());
            o.put("permanent", m.hasInit() && !m.hasExit());
            o.put("state", m.state().procWord());
            o.put("address", Json.hex(m.address()));
            o.put("taints", m.taints());
            list.add(o);
        }
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("tainted", Taint.mask(kernelTaints));
        top.put("taints", kernelTaints);
        top.put("modules", list);
        return Json.write(top);
    }
}
