package modkit.testdata.realkernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every module of a modules.dep, each after its dependencies (the most basic one, listed last, first). */
final class LoadOrder {
    private LoadOrder() {}

    /** Relative paths in load order, each once. */
    static List<String> of(Path modulesDep) throws IOException {
        Map<String, List<String>> deps = new LinkedHashMap<>();
        for (String line : Files.readAllLines(modulesDep)) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            List<String> d = new ArrayList<>();
            for (String p : line.substring(colon + 1).trim().split("\\s+")) {
                if (!p.isEmpty()) {
                    d.add(p);
                }
            }
            deps.put(line.substring(0, colon), d);
        }
        Set<String> order = new LinkedHashSet<>();
        for (String m : deps.keySet()) {
            add(m, deps, order);
        }
        return List.copyOf(order);
    }

    private static void add(String path, Map<String, List<String>> deps, Set<String> order) {
        if (order.contains(path)) {
            return;
        }
        List<String> d = deps.getOrDefault(path, List.of());
        for (int i = d.size() - 1; i >= 0; i--) {
            add(d.get(i), deps, order);
        }
        order.add(path);
    }
}
