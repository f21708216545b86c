package modkit.moddir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import modkit.elf.ModkitException;
import modkit.elf.ModuleNames;

/**
 * One {@code /lib/modules/VERSION} directory and the text files depmod and kbuild leave there, each read when
 * first needed: modules.dep (paths and dependencies), modules.alias, modules.symbols, modules.builtin (one
 * {@code kernel/.../x.ko} per built-in module), modules.builtin.modinfo ({@code name.key=value} strings, NUL
 * separated: the aliases of built-in modules) and modules.order (the build order, which ranks alias matches).
 * The binary {@code .bin} indexes are not read (that is {@link BinaryIndexes}, for modinfo); the text files carry
 * the same facts.
 */
public final class ModuleDirectory implements ModuleIndex {
    private final String dir;
    private final String sysroot;
    private ModulesDep dep;
    private AliasIndex aliases;
    private AliasIndex symbols;
    private AliasIndex builtinAliases;
    private Set<String> builtin;
    private Set<String> builtinAliasTargets;
    private Map<String, Integer> order;

    /** @param dir the directory as it should be printed (kmod prints DIR + "/" + the modules.dep path) */
    public ModuleDirectory(String dir) {
        this(dir, "");
    }

    /**
     * @param sysroot {@code --sysroot}, "" for none: an absolute path in modules.dep (an external module) is a path
     *     of the system the tree belongs to, so it is taken under the sysroot too
     */
    public ModuleDirectory(String dir, String sysroot) {
        this.dir = dir;
        this.sysroot = sysroot;
    }

    @Override
    public String dir() {
        return dir;
    }

    private Path file(String name) {
        return Path.of(dir, name);
    }

    public ModulesDep modulesDep() {
        if (dep == null) {
            dep = ModulesDep.read(file("modules.dep"), Path.of(dir));
        }
        return dep;
    }

    @Override
    public boolean has(String module) {
        return modulesDep().relpath(module) != null;
    }

    @Override
    public String pathOf(String module) {
        String rel = modulesDep().relpath(module);
        return rel == null ? null : absolute(rel);
    }

    private String absolute(String relpath) {
        return relpath.startsWith("/") ? sysroot + relpath : dir + "/" + relpath;
    }

    @Override
    public List<String> symbolOwners(String key) {
        return symbols().lookup(key, this::priority);
    }

    @Override
    public List<String> aliasOwners(String name) {
        return aliases().lookup(name, this::priority);
    }

    @Override
    public List<String> builtinAliasOwners(String name) {
        return builtinAliases().lookup(name, this::priority);
    }

    /** The names on the module's modules.dep line, in line order (each before what it needs). */
    public List<String> dependencies(String module) {
        String rel = modulesDep().relpath(module);
        if (rel == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String d : modulesDep().dependencies(rel)) {
            out.add(ModuleNames.fromPath(d));
        }
        return out;
    }

    public AliasIndex aliases() {
        if (aliases == null) {
            aliases = AliasIndex.read(file("modules.alias"));
        }
        return aliases;
    }

    public AliasIndex symbols() {
        if (symbols == null) {
            symbols = AliasIndex.read(file("modules.symbols"));
        }
        return symbols;
    }

    /**
     * Built into the kernel: listed in modules.builtin, or named in modules.builtin.modinfo (a module found through
     * a built-in alias, such as debugfs through fs-debugfs, is built in even if modules.builtin lacks it; kmod
     * marks it so when the alias finds it).
     */
    public boolean isBuiltin(String module) {
        if (builtinAliasTargets == null) {
            builtinAliasTargets = new HashSet<>();
            for (AliasIndex.Entry e : builtinAliases().entries()) {
                builtinAliasTargets.add(e.module());
            }
        }
        return inBuiltinList(module) || builtinAliasTargets.contains(module);
    }

    @Override
    public boolean inBuiltinList(String module) {
        if (builtin == null) {
            builtin = new HashSet<>(ModulesBuiltin.names(bytes("modules.builtin"), line -> { }));
        }
        return builtin.contains(module);
    }

    /** Aliases of built-in modules, from the {@code name.alias=value} strings of modules.builtin.modinfo. */
    public AliasIndex builtinAliases() {
        if (builtinAliases == null) {
            List<AliasIndex.Entry> out = new ArrayList<>();
            for (BuiltinModinfo.Entry e : BuiltinModinfo.parse(bytes("modules.builtin.modinfo"))) {
                if (e.key().equals("alias")) {
                    out.add(new AliasIndex.Entry(ModuleNames.underscores(e.value()), ModuleNames.underscores(e.module()),
                            e.position()));
                }
            }
            builtinAliases = AliasIndex.of(out);
        }
        return builtinAliases;
    }

    /** The module's position in modules.order; modules not listed rank after all listed ones. */
    public int priority(String module) {
        if (order == null) {
            order = new HashMap<>();
            for (String line : lines("modules.order")) {
                if (!line.isBlank()) {
                    order.putIfAbsent(ModuleNames.fromPath(line.strip()), order.size());
                }
            }
        }
        return order.getOrDefault(module, Integer.MAX_VALUE);
    }

    private List<String> lines(String name) {
        return List.of(new String(bytes(name), StandardCharsets.ISO_8859_1).split("\n"));
    }

    private byte[] bytes(String name) {
        try {
            return Files.readAllBytes(file(name));
        } catch (NoSuchFileException e) {
            return new byte[0];
        } catch (IOException e) {
            throw new ModkitException(file(name) + ": cannot read: " + e.getMessage());
        }
    }
}
