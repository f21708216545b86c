package modkit.moddir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import modkit.elf.ModkitException;

/**
 * A module directory read through the binary indexes depmod writes, as libkmod reads them: modules.dep.bin,
 * modules.symbols.bin, modules.alias.bin, modules.builtin.bin and modules.builtin.alias.bin, each opened when
 * first needed. A missing or empty index is empty (kmod then finds nothing there either).
 */
public final class BinaryIndexes implements ModuleIndex {
    private static final IndexFile EMPTY = IndexFile.of("(none)", new IndexWriter().toBytes());

    private final Path dir;
    private final String sysroot;
    private final Map<String, IndexFile> indexes = new HashMap<>();

    /** {@code sysroot}: {@code --sysroot}, under which modules.dep's absolute paths (external modules) are taken. */
    public BinaryIndexes(Path dir, String sysroot) {
        this.dir = dir;
        this.sysroot = sysroot;
    }

    @Override
    public String dir() {
        return dir.toString();
    }

    /** A file of the directory (modules.builtin.modinfo, ...). */
    public Path file(String name) {
        return dir.resolve(name);
    }

    @Override
    public boolean has(String module) {
        return index("modules.dep.bin").search(module) != null;
    }

    @Override
    public String pathOf(String module) {
        String line = index("modules.dep.bin").search(module);
        if (line == null) {
            return null;
        }
        int colon = line.indexOf(':');
        String rel = colon < 0 ? line : line.substring(0, colon);
        return rel.startsWith("/") ? sysroot + rel : dir + "/" + rel;
    }

    @Override
    public List<String> symbolOwners(String key) {
        return values(index("modules.symbols.bin").lookup(key));
    }

    @Override
    public List<String> aliasOwners(String name) {
        return values(index("modules.alias.bin").searchWild(name));
    }

    @Override
    public boolean inBuiltinList(String module) {
        return !index("modules.builtin.bin").lookup(module).isEmpty();
    }

    @Override
    public List<String> builtinAliasOwners(String name) {
        return values(index("modules.builtin.alias.bin").searchWild(name));
    }

    private static List<String> values(List<IndexFile.Value> values) {
        List<String> out = new ArrayList<>(values.size());
        for (IndexFile.Value v : values) {
            out.add(v.value());
        }
        return out;
    }

    private IndexFile index(String name) {
        return indexes.computeIfAbsent(name, n -> {
            Path p = dir.resolve(n);
            if (!Files.exists(p)) {
                return EMPTY;
            }
            try {
                if (Files.size(p) == 0) {
                    return EMPTY; // depmod writes an empty file when there is nothing to index
                }
            } catch (IOException e) {
                throw new ModkitException(p + ": cannot read: " + e.getMessage());
            }
            return IndexFile.read(p);
        });
    }
}
