package modkit.testdata.kmodsuite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import modkit.testdata.TestPaths;

/**
 * A tree of kmod's testsuite (testdata/kmod-testsuite, from kmod v34.2 by build.sh) in a directory: the
 * rootfs-pristine files, then the module-playground modules where rootfs.map (kmod's setup-rootfs.sh map) puts them.
 */
final class KmodTree {
    private KmodTree() {}

    static Path assemble(String name, Path dir) {
        Path fixtures = TestPaths.testdata().resolve("kmod-testsuite");
        try {
            Path src = fixtures.resolve("rootfs-pristine").resolve(name);
            Files.createDirectories(dir);
            if (Files.isDirectory(src)) {
                try (var files = Files.walk(src)) {
                    for (Path f : files.toList()) {
                        Path to = dir.resolve(src.relativize(f).toString());
                        if (Files.isDirectory(f)) {
                            Files.createDirectories(to);
                        } else {
                            Files.copy(f, to);
                        }
                    }
                }
            }
            for (String line : Files.readAllLines(fixtures.resolve("rootfs.map"))) {
                if (line.startsWith("#") || !line.startsWith(name + "/")) {
                    continue;
                }
                String[] f = line.split("\t");
                String dst = f[0].substring(name.length() + 1);
                Path to = dst.isEmpty() || dst.endsWith("/") ? dir.resolve(dst).resolve(f[1]) : dir.resolve(dst);
                Files.createDirectories(to.getParent());
                Files.copy(fixtures.resolve("modules").resolve(f[1]), to);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
