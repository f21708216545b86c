package modkit.depmod;

import java.nio.file.Path;

/**
 * Absolute paths under a root prefix ({@code -b BASEDIR}): {@code /lib/modules/V} becomes
 * {@code BASEDIR/lib/modules/V}, so a fixture tree never reaches the host's files.
 */
public final class RootPaths {
    private RootPaths() {}

    /** {@code path} inside {@code root}; a null root means the real root. */
    public static Path under(Path root, String path) {
        if (root == null) {
            return Path.of(path);
        }
        String rel = path;
        while (rel.startsWith("/")) {
            rel = rel.substring(1);
        }
        return rel.isEmpty() ? root : root.resolve(rel);
    }

    /** The module directory {@code ROOT/lib/modules/VERSION}. */
    public static Path moduleDir(Path root, String version) {
        return under(root, "/lib/modules/" + version);
    }
}
