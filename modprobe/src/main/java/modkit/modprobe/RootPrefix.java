package modkit.modprobe;

import java.nio.file.Path;
import java.util.List;

/**
 * The root every absolute path modprobe reads is taken under: {@code -d/--dirname DIR}. kmod's {@code -d} moves
 * only /lib/modules; modkit's moves the modprobe.d directories and /proc/cmdline too, so one fixture tree holds
 * everything a run reads (loaded modules come from the simulated kernel under {@code --root}, not from
 * /sys/module). {@code -C} paths are taken as given, as in kmod.
 *
 * <p>Paths are built as strings, the way kmod prints them: a relative DIR is made absolute against the working
 * directory, nothing else is normalised (kmod prints {@code DIR/lib/modules/VER/kernel/...}).
 *
 * @param dir the prefix, "" for the real root
 */
public record RootPrefix(String dir) {
    /** modprobe.d directories in kmod's order: a file in an earlier one hides a same-named file in a later one. */
    public static final List<String> CONFIG_DIRS =
            List.of("/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d", "/lib/modprobe.d");

    public static RootPrefix of(String option) {
        if (option == null || option.isEmpty()) {
            return new RootPrefix("");
        }
        if (option.startsWith("/")) {
            return new RootPrefix(option);
        }
        return new RootPrefix(Path.of("").toAbsolutePath() + "/" + option);
    }

    /** An absolute path under this root. */
    public String path(String absolute) {
        return dir + absolute;
    }

    public String moduleDir(String version) {
        return path("/lib/modules/" + version);
    }

    public List<String> configDirs() {
        return CONFIG_DIRS.stream().map(this::path).toList();
    }

    public String cmdline() {
        return path("/proc/cmdline");
    }
}
