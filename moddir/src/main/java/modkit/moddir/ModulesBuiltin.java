package modkit.moddir;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import modkit.elf.ModuleNames;

/**
 * {@code modules.builtin}, which kbuild leaves in the module directory: one {@code kernel/.../x.ko} path per
 * module built into the kernel. depmod indexes it (modules.builtin.bin) and modprobe asks it whether a module is
 * built in.
 */
public final class ModulesBuiltin {
    private ModulesBuiltin() {}

    /**
     * The module names in file order. A line that does not start with an ASCII letter is handed to
     * {@code invalid} and skipped, as kmod's depmod skips it; libkmod reads depmod's index, so kmod's modprobe
     * never finds such a line's module either. Empty lines are skipped silently.
     */
    public static List<String> names(byte[] data, Consumer<String> invalid) {
        List<String> out = new ArrayList<>();
        for (String line : new String(data, StandardCharsets.ISO_8859_1).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            char c = line.charAt(0);
            if (c > 127 || !Character.isLetter(c)) {
                invalid.accept(line);
                continue;
            }
            out.add(ModuleNames.fromPath(line));
        }
        return out;
    }
}
