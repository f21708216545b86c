package modkit.lsmod;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import modkit.command.Json;
import modkit.kernel.KernelSymbol;

/**
 * modutils' ksyms: every exported symbol of the kernel and of the loaded modules, with its address, CRC, owner
 * ("[module]", nothing for vmlinux), GPL-only flag and namespace.
 */
public final class Ksyms {
    private Ksyms() {}

    public static String text(List<KernelSymbol> symbols, int pointerSize) {
        StringBuilder b = new StringBuilder();
        int w = pointerSize * 2;
        b.append(String.format("%-" + w + "s  %-10s  %s%n", "Address", "CRC", "Symbol  Defined by"));
        for (KernelSymbol s : symbols) {
            b.append(String.format("%0" + w + "x  %-10s  %s", s.address(), s.crc() == null ? "-" : String.format("0x%08x", s.crc()),
                    s.name()));
            if (s.owner() != null) {
                b.append("  [").append(s.owner()).append(']');
            }
            if (s.gpl()) {
                b.append("  GPL");
            }
            if (!s.namespace().isEmpty()) {
                b.append("  ns:").append(s.namespace());
            }
            b.append('\n');
        }
        return b.toString();
    }

    public static String json(List<KernelSymbol> symbols) {
        List<Object> out = new ArrayList<>();
        for (KernelSymbol s : symbols) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", s.name());
            o.put("address", Json.hex(s.address()));
            o.put("crc", s.crc() == null ? null : String.format("0x%08x", s.crc()));
            o.put("owner", s.owner() == null ? "vmlinux" : s.owner());
            o.put("gpl_only", s.gpl());
            o.put("namespace", s.namespace());
            out.add(o);
        }
        return Json.write(out);
    }
}
