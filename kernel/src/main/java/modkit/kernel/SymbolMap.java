package modkit.kernel;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Exported symbols by name. The kernel binary-searches sorted tables; a hash map gives the same answers.
 *
 * <p>On ia64 an exported function's address is that of its function descriptor {ip, gp} in vmlinux's
 * {@code .opd}; a module calling it reads the descriptor to build a PLT stub. Such kernels carry the descriptors
 * here, by address.
 */
public final class SymbolMap {
    private record Tables(Map<String, KernelSymbol> byName, Map<Long, long[]> descriptors) {}

    /** Makes the tables on first use (a profile's symbols, parsed late); null once they exist. */
    private Supplier<SymbolMap> source;
    private volatile Tables tables;

    public SymbolMap(Collection<KernelSymbol> symbols) {
        this(symbols, Map.of());
    }

    public SymbolMap(Collection<KernelSymbol> symbols, Map<Long, long[]> descriptors) {
        Map<String, KernelSymbol> byName = new HashMap<>(symbols.size() * 2);
        for (KernelSymbol s : symbols) {
            byName.putIfAbsent(s.name(), s);
        }
        tables = new Tables(byName, Map.copyOf(descriptors));
    }

    private SymbolMap(Supplier<SymbolMap> source) {
        this.source = source;
    }

    /**
     * A map made by {@code parse} when it is first asked anything. A kernel profile holds some 10,000 symbols and
     * most commands (lsmod, rmmod, the sim views) never look one up: parsing them was most of such a command's
     * own run time.
     */
    public static SymbolMap deferred(Supplier<SymbolMap> parse) {
        return new SymbolMap(parse);
    }

    private Tables tables() {
        Tables t = tables;
        if (t == null) {
            synchronized (this) {
                t = tables;
                if (t == null) {
                    t = tables = source.get().tables();
                    source = null;
                }
            }
        }
        return t;
    }

    public KernelSymbol get(String name) {
        return tables().byName().get(name);
    }

    public int size() {
        return tables().byName().size();
    }

    public Collection<KernelSymbol> all() {
        return Collections.unmodifiableCollection(tables().byName().values());
    }

    /** Function descriptors of the kernel image: address to {ip, gp}; empty except on ia64. */
    public Map<Long, long[]> descriptors() {
        return tables().descriptors();
    }

    /** The 8 bytes at {@code address} if it is a word of a known descriptor, else null. */
    public Long read64(long address) {
        Map<Long, long[]> descriptors = descriptors();
        long[] d = descriptors.get(address);
        if (d != null) {
            return d[0];
        }
        d = descriptors.get(address - 8);
        return d == null ? null : d[1];
    }
}
