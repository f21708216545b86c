package modkit.kernel;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Exported symbols by name. The kernel binary-searches sorted tables; a hash map gives the same answers.
 *
 * <p>On ia64 an exported function's address is that of its function descriptor {ip, gp} in vmlinux's
 * {@code .opd}; a module calling it reads the descriptor to build a PLT stub. Such kernels carry the descriptors
 * here, by address.
 */
public final class SymbolMap {
    private final Map<String, KernelSymbol> byName;
    private final Map<Long, long[]> descriptors;

    public SymbolMap(Collection<KernelSymbol> symbols) {
        this(symbols, Map.of());
    }

    public SymbolMap(Collection<KernelSymbol> symbols, Map<Long, long[]> descriptors) {
        byName = new HashMap<>(symbols.size() * 2);
        for (KernelSymbol s : symbols) {
            byName.putIfAbsent(s.name(), s);
        }
        this.descriptors = Map.copyOf(descriptors);
    }

    public KernelSymbol get(String name) {
        return byName.get(name);
    }

    public int size() {
        return byName.size();
    }

    public Collection<KernelSymbol> all() {
        return Collections.unmodifiableCollection(byName.values());
    }

    /** Function descriptors of the kernel image: address to {ip, gp}; empty except on ia64. */
    public Map<Long, long[]> descriptors() {
        return descriptors;
    }

    /** The 8 bytes at {@code address} if it is a word of a known descriptor, else null. */
    public Long read64(long address) {
        long[] d = descriptors.get(address);
        if (d != null) {
            return d[0];
        }
        d = descriptors.get(address - 8);
        return d == null ? null : d[1];
    }
}
