package modkit.kmodsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import modkit.depmod.Trees;

/**
 * kmod's testsuite as our tests see it: its rootfs trees ({@code testdata/kmod-testsuite}, made by build.sh from
 * kmod v34.2), assembled as kmod's setup-rootfs.sh does, and kmod's rule for comparing a command's output with a
 * {@code correct*.txt} file. The tests run our commands in this process through {@link modkit.depmod.Ours}, in
 * ISO-8859-1 so that every byte compares as kmod compares it.
 */
final class KmodSuite {
    static final Path FIXTURES = Path.of("../testdata/kmod-testsuite");

    private KmodSuite() {}

    /**
     * kmod's tree {@code name} (e.g. {@code test-depmod/detect-loop}) copied to {@code dir}, with the
     * module-playground modules installed where rootfs.map (setup-rootfs.sh's map) puts them.
     */
    static Path tree(String name, Path dir) {
        try {
            Path src = FIXTURES.resolve("rootfs-pristine").resolve(name);
            Files.createDirectories(dir);
            if (Files.isDirectory(src)) {
                Trees.copy(src, dir);
            }
            for (String line : Files.readAllLines(FIXTURES.resolve("rootfs.map"))) {
                if (line.startsWith("#") || !line.startsWith(name + "/")) {
                    continue;
                }
                String[] f = line.split("\t");
                String dst = f[0].substring(name.length() + 1);
                Path module = FIXTURES.resolve("modules").resolve(f[1]);
                Path to = dst.isEmpty() || dst.endsWith("/") ? dir.resolve(dst).resolve(f[1]) : dir.resolve(dst);
                Files.createDirectories(to.getParent());
                Files.copy(module, to);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * kmod's runner (testsuite.c fd_cmp_exact) reads as many bytes of the expected file as the command wrote and
     * compares those: the output must be a prefix of the file, and must not be empty unless the file is
     * (fd_cmp_check_activity).
     */
    static void assertKmodOutput(Path expected, String actual) {
        String want = read(expected);
        assertTrue(want.startsWith(actual), () -> "output is not what " + expected + " says:\n--- expected\n" + want
                + "--- actual\n" + actual);
        assertFalse(actual.isEmpty() && !want.isEmpty(), () -> "expected output (" + expected + "), got none");
    }

    /** kmod's check of a generated file (testsuite.c check_generated_files): the same bytes. */
    static void assertSameFile(Path expected, Path actual) {
        assertTrue(Files.isRegularFile(actual), () -> actual + " was not written");
        assertEquals(read(expected), read(actual), () -> actual + " differs from " + expected);
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
