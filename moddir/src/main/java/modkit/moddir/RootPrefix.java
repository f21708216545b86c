package modkit.moddir;

import java.nio.file.Path;
import java.util.List;
import modkit.elf.Invocation;

/**
 * Where depmod, modprobe and modinfo find the files they read, from two options:
 *
 * <ul>
 *   <li>{@code -d/--dirname} (modprobe) and {@code -b/--basedir} (depmod, modinfo) root the module directory
 *       only, as kmod's do: {@code DIR/lib/modules/VERSION}. Configuration (modprobe.d, depmod.d) and
 *       /proc/cmdline still come from the host, which dracut and the like rely on.
 *   <li>{@code --sysroot DIR} (modkit) roots everything: the module directory, the configuration directories,
 *       /proc/cmdline, depmod.d {@code external} directories and what modprobe reads of /sys and /proc, so one
 *       fixture tree holds all a run reads. With both, the module directory is under {@code -d}/{@code -b}.
 * </ul>
 *
 * {@code --moduledir DIR} (depmod's {@code -m}, kmod 34) replaces {@code /lib/modules} by DIR, taken relative to
 * the root as kmod takes it. {@code -C} paths are used as given, as in kmod.
 *
 * <p>Paths are strings, built the way kmod prints them: a relative root is made absolute against the working
 * directory, nothing else is normalised (kmod prints {@code DIR/lib/modules/VER/kernel/...}).
 *
 * @param sysroot prefix for configuration and system files, "" for the real root
 * @param modulesRoot prefix for the module directory, "" for the real root
 * @param moduleDirectory the modules directory under the root, without leading slash ("lib/modules")
 */
public record RootPrefix(String sysroot, String modulesRoot, String moduleDirectory) {
    /** modprobe.d directories in kmod's order: a file in an earlier one hides a same-named file in a later one. */
    public static final List<String> CONFIG_DIRS =
            List.of("/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d", "/lib/modprobe.d");

    public static final String MODULE_DIRECTORY = "/lib/modules";

    /** The real root. */
    public static final RootPrefix HOST = new RootPrefix("", "", "lib/modules");

    /**
     * @param sysroot {@code --sysroot}, or null
     * @param base {@code -d}/{@code -b}, or null
     * @param moduleDirectory {@code --moduledir}, or null for /lib/modules
     */
    public static RootPrefix of(String sysroot, String base, String moduleDirectory) {
        String sys = absolute(sysroot);
        String dir = moduleDirectory == null ? MODULE_DIRECTORY : moduleDirectory;
        while (dir.startsWith("/")) {
            dir = dir.substring(1);
        }
        return new RootPrefix(sys, base == null || base.isEmpty() ? sys : absolute(base), dir);
    }

    /** Only the module directory rooted: kmod's {@code -d}/{@code -b}. */
    public static RootPrefix of(String base) {
        return of(null, base, null);
    }

    private static String absolute(String option) {
        if (option == null || option.isEmpty()) {
            return "";
        }
        if (option.startsWith("/")) {
            return option;
        }
        return Invocation.workingDirectory() + "/" + option;
    }

    /** A system path ("/etc/...", "/proc/cmdline") under the sysroot. */
    public String path(String absolute) {
        return sysroot + absolute;
    }

    /** {@link #path} as a Path; for a path without leading slash, the path under the sysroot too. */
    public Path systemPath(String absolute) {
        return Path.of(absolute.startsWith("/") || sysroot.isEmpty() ? path(absolute) : sysroot + "/" + absolute);
    }

    /** {@code ROOT/lib/modules/VERSION}, as kmod spells it. */
    public String moduleDir(String version) {
        return modulesRoot + "/" + moduleDirectory + "/" + version;
    }

    public Path moduleDirPath(String version) {
        return Path.of(moduleDir(version));
    }

    public List<String> configDirs() {
        return CONFIG_DIRS.stream().map(this::path).toList();
    }

    public String cmdline() {
        return path("/proc/cmdline");
    }
}
