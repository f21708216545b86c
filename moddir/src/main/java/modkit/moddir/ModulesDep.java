package modkit.moddir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import modkit.elf.ModkitException;
import modkit.elf.ModuleNames;

/**
 * {@code modules.dep}: one line per module, {@code relpath: dep1 dep2 ...}, where the dependencies are every
 * module it needs, transitively, listed before the modules they need (the most basic one last). Paths are
 * relative to the module directory (kmod also accepts absolute ones).
 */
public final class ModulesDep {
    private final Path base;
    private final Map<String, List<String>> deps;
    private final Map<String, String> byName = new HashMap<>();

    private ModulesDep(Path base, Map<String, List<String>> deps) {
        this.base = base;
        this.deps = deps;
        for (String relpath : deps.keySet()) {
            byName.putIfAbsent(ModuleNames.fromPath(relpath), relpath);
        }
    }

    public static ModulesDep read(Path file, Path moduleDir) {
        Map<String, List<String>> deps = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new ModkitException(file + ": no such file", "run depmod to create it");
        } catch (IOException e) {
            throw new ModkitException(file + ": cannot read: " + e.getMessage());
        }
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new ModkitException(file + ":" + n + ": expected 'module.ko: dependencies...', got '" + line + "'");
            }
            List<String> d = new ArrayList<>();
            for (String s : line.substring(colon + 1).trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    d.add(s);
                }
            }
            deps.put(line.substring(0, colon).trim(), d);
        }
        return new ModulesDep(moduleDir, deps);
    }

    public Set<String> modules() {
        return deps.keySet();
    }

    public Path path(String relpath) {
        return base.resolve(relpath);
    }

    /** The line's module path for a module name ({@code snd_pcm} finds {@code kernel/sound/core/snd-pcm.ko}), or null. */
    public String relpath(String moduleName) {
        return byName.get(moduleName);
    }

    /** The dependencies on a module's line, as written (most basic last); empty if the module has no line. */
    public List<String> dependencies(String relpath) {
        return deps.getOrDefault(relpath, List.of());
    }

    /**
     * Every module in an order where each comes after all it needs: for each line, its dependencies from the
     * end of the list (the most basic first), then the module, skipping any already taken.
     */
    public List<String> loadOrder() {
        Set<String> out = new LinkedHashSet<>();
        for (Map.Entry<String, List<String>> e : deps.entrySet()) {
            List<String> d = e.getValue();
            for (int i = d.size() - 1; i >= 0; i--) {
                out.add(d.get(i));
            }
            out.add(e.getKey());
        }
        return new ArrayList<>(out);
    }
}
