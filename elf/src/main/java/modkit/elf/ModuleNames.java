package modkit.elf;

/**
 * How kmod spells names before it compares them: module names and aliases use {@code _} for {@code -}, except
 * inside a {@code [...]} set of a pattern, where a dash is a range ({@code pci:v*d[0-9]*}). Every tool that takes
 * a module name from the user or a file name goes through here.
 */
public final class ModuleNames {
    private ModuleNames() {}

    /** An alias or pattern with dashes outside brackets turned into underscores. */
    public static String underscores(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean inSet = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[') {
                inSet = true;
            } else if (c == ']') {
                inSet = false;
            } else if (c == '-' && !inSet) {
                c = '_';
            }
            b.append(c);
        }
        return b.toString();
    }

    /**
     * The module name a path stands for: the file name up to its first dot, dashes as underscores
     * ({@code kernel/sound/core/snd-pcm.ko.xz} is {@code snd_pcm}).
     */
    public static String fromPath(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        int dot = base.indexOf('.');
        if (dot >= 0) {
            base = base.substring(0, dot);
        }
        return base.replace('-', '_');
    }

    /** True for an argument kmod loads as a file rather than looking up: it starts with "/" or "./". */
    public static boolean isPath(String arg) {
        return arg.startsWith("/") || arg.startsWith("./");
    }
}
