package modkit.kernel.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The running kernel's files (/proc, /sys, /lib/modules, /boot) under a root: "/" on a real system, a
 * directory laid out the same way in tests.
 */
record SystemFiles(Path root) {
    static final SystemFiles REAL = new SystemFiles(Path.of("/"));

    /** The file at absolute path {@code abs} ("/proc/modules") under the root. */
    Path path(String abs) {
        return root.resolve(abs.substring(1));
    }

    boolean exists(String abs) {
        return Files.exists(path(abs));
    }

    /** The file's text, or null if it is missing or cannot be read (a sysfs file without read permission). */
    String read(String abs) {
        try {
            return Files.readString(path(abs), StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** The file's first line without surrounding blanks, or null. */
    String value(String abs) {
        String s = read(abs);
        if (s == null) {
            return null;
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    /** The names in a directory in the order the file system lists them (readdir order, as kmod sees it). */
    List<String> list(String abs) {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> d = Files.newDirectoryStream(path(abs))) {
            for (Path p : d) {
                out.add(p.getFileName().toString());
            }
        } catch (IOException | SecurityException e) {
            return List.of();
        }
        return out;
    }
}
