package modkit.kernel;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/** Exported symbols by name. The kernel binary-searches sorted tables; a hash map gives the same answers. */
public final class SymbolMap {
    private final Map<String, KernelSymbol> byName;

    public SymbolMap(Collection<KernelSymbol> symbols) {
        byName = new HashMap<>(symbols.size() * 2);
        for (KernelSymbol s : symbols) {
            byName.putIfAbsent(s.name(), s);
        }
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
}
