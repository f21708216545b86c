package modkit.arch.ia64;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import modkit.arch.KernelDescriptors;
import modkit.elf.ModkitException;

/**
 * What an ia64 System.map does not say directly and the ia64 loader needs.
 *
 * <p>Function descriptors: in vmlinux's export table an exported function's value is the address of its
 * descriptor {ip, gp} in {@code .opd}, not of its code; System.map names only the code. The descriptors are
 * anonymous, so their real addresses cannot be recovered: the profile gives each exported function one descriptor
 * inside vmlinux's {@code [__start_opd, __end_opd)}, in code-address order, holding the System.map address and
 * the kernel's {@code __gp}. A module sees exactly what the kernel would give it: a descriptor address it calls
 * through.
 *
 * <p>Per-cpu area: the kernel's static per-cpu data sits at {@code __per_cpu_start} (PERCPU_ADDR, the top 256 KiB
 * of region 7 on ia64); module per-cpu data is allocated from the reserved chunk that follows it
 * (PERCPU_MODULE_RESERVE, 8 KiB), so 22-bit immediates reach it ({@code addl r=var,r0}).
 */
final class Ia64KernelImage {

    private Ia64KernelImage() {}

    /** One descriptor per exported function (System.map type T, t, W or w) of {@code exports}. */
    static KernelDescriptors descriptors(String where, List<String> exports, Map<String, Long> addresses,
            Map<String, Character> types) {
        Long gp = addresses.get("__gp");
        if (gp == null) {
            throw new ModkitException(where + ": no __gp in System.map, which an ia64 kernel always has",
                    "is this the System.map of an ia64 kernel?");
        }
        Long opd = addresses.get("__start_opd");
        if (opd == null) {
            Long end = addresses.get("_end");
            opd = end == null ? 0 : (end + 15) & -16L;
        }
        List<String> functions = new ArrayList<>();
        for (String name : exports) {
            Character t = types.get(name);
            if (t != null && "TtWw".indexOf(t) >= 0) {
                functions.add(name);
            }
        }
        functions.sort(Comparator.comparing((String name) -> addresses.get(name), Long::compareUnsigned)
                .thenComparing(Comparator.naturalOrder()));
        Map<String, Long> descriptorOf = new LinkedHashMap<>();
        Map<Long, long[]> table = new LinkedHashMap<>();
        long next = opd;
        for (String f : functions) {
            descriptorOf.put(f, next);
            table.put(next, new long[] {addresses.get(f), gp});
            next += 16;
        }
        return new KernelDescriptors(descriptorOf, table);
    }
}
