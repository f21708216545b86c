package modkit.modprobe;

/**
 * One thing modprobe does or would do, printed as kmod prints it with {@code -v}, {@code -n -v} and
 * {@code --show-depends}:
 * <pre>
 * insmod PATH OPTIONS      (the separating space is printed even when OPTIONS is empty)
 * install COMMAND OPTIONS  (the install command as configured, before $CMDLINE_OPTS is replaced)
 * builtin NAME             (nothing to load: it is part of the kernel)
 * rmmod NAME
 * remove COMMAND
 * </pre>
 *
 * @param kind "insmod", "install", "builtin", "rmmod" or "remove"
 * @param role for insertions, why the module is in the list: "target", "dep", "pre" or "post"; else null
 * @param path the module file (insmod), else null
 * @param command the configured command (install, remove), else null
 * @param options the options passed (insmod, install), else null
 */
public record Action(String kind, String module, String role, String path, String command, String options) {
    public String text() {
        return switch (kind) {
            case "insmod" -> "insmod " + path + " " + options;
            case "install" -> "install " + command + " " + options;
            case "builtin" -> "builtin " + module;
            case "rmmod" -> "rmmod " + module;
            case "remove" -> "remove " + command;
            default -> throw new IllegalStateException("unknown action " + kind);
        };
    }
}
