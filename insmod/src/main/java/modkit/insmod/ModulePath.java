package modkit.insmod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import modkit.elf.ModkitException;
import modkit.elf.ModuleNames;

/**
 * modutils' insmod took a bare module name ({@code insmod loop}) and searched the module path for it. modkit
 * finds it as modprobe does, on its line of {@code /lib/modules/RELEASE/modules.dep}, and loads that one file
 * (not its dependencies: that is modprobe's job). Only the first field of each line is read, so this small
 * lookup stays here: modprobe's {@code ModulesDep}, which reads whole lines, sits in a module that depends on
 * this one.
 */
public final class ModulePath {
    private ModulePath() {}

    /** True for an argument modutils looked up: no '/', and not a file here. */
    public static boolean isBareName(String arg) {
        return !arg.contains("/") && !arg.equals("-") && !Files.exists(Path.of(arg));
    }

    /** The file modules.dep under {@code baseDir}/lib/modules/{@code release} gives for {@code name}. */
    public static Path find(String baseDir, String release, String name) {
        Path dir = Path.of(baseDir, "lib", "modules", release);
        Path dep = dir.resolve("modules.dep");
        List<String> lines;
        try {
            lines = Files.readAllLines(dep);
        } catch (NoSuchFileException e) {
            throw new ModkitException(name + ": no such file, and no " + dep + " to look the module up in",
                    "give the module's path, or run depmod " + release);
        } catch (IOException e) {
            throw new ModkitException(dep + ": cannot read: " + e.getMessage());
        }
        String wanted = ModuleNames.underscores(name);
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon <= 0 || line.startsWith("#")) {
                continue;
            }
            String path = line.substring(0, colon).trim();
            if (ModuleNames.fromPath(path).equals(wanted)) {
                return path.startsWith("/") ? Path.of(path) : dir.resolve(path);
            }
        }
        throw new ModkitException(name + ": no module by that name found in " + dep, "modprobe -l or ls " + dir + " lists what there is");
    }
}
