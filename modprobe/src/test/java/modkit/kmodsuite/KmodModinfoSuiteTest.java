package modkit.kmodsuite;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static modkit.kmodsuite.KmodSuite.assertKmodOutput;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import modkit.depmod.Kmod;
import modkit.depmod.Ours;

/**
 * kmod v34.2 testsuite/test-modinfo.c, case by case (same names). kmod runs {@code modinfo -F FIELD /FILE} with
 * paths redirected into the tree {@code test-modinfo}; we give the file's path in the tree, and a path modinfo
 * prints is compared without the tree's prefix. The signature cases use kmod's {@code -openssl} expected files:
 * Debian's kmod is built with OpenSSL, and so decodes the PKCS#7 signature too, as we do.
 */
class KmodModinfoSuiteTest {
    @TempDir
    Path tmp;

    private Path root;

    @BeforeEach
    void tree() {
        root = KmodSuite.tree("test-modinfo", tmp.resolve("root"));
    }

    /** {@code modinfo -F FIELD FILE...} over the tree's files, compared with correct-FIELD[FLAVOR].txt as kmod does. */
    private void field(String field, String flavor, String... files) {
        String[] args = new String[files.length + 2];
        args[0] = "-F";
        args[1] = field;
        for (int i = 0; i < files.length; i++) {
            args[i + 2] = root + files[i];
        }
        Kmod.Run r = Ours.modinfo(ISO_8859_1, args);
        assertEquals(0, r.exit(), r.stderr());
        assertKmodOutput(root.resolve("correct-" + field + flavor + ".txt"), r.out().replace(root.toString(), ""));
    }

    private void generic(String field) {
        field(field, "", "/mod-simple.ko");
    }

    @Test
    void test_modinfo_filename() {
        generic("filename");
    }

    @Test
    void test_modinfo_author() {
        generic("author");
    }

    @Test
    void test_modinfo_license() {
        generic("license");
    }

    @Test
    void test_modinfo_description() {
        generic("description");
    }

    @Test
    void test_modinfo_parm() {
        generic("parm");
    }

    @Test
    void test_modinfo_depends() {
        generic("depends");
    }

    @Test
    void test_modinfo_builtin() {
        // modules.builtin.modinfo of a 6.11 kernel: intel_uncore is built in
        Path tree = root.resolve("builtin");
        Kmod.Run r = Ours.modinfo(ISO_8859_1, "-b", tree.toString(), "-k", "6.11.0", "intel_uncore");
        assertEquals(0, r.exit(), r.stderr());
        assertKmodOutput(root.resolve("correct-builtin.txt"), r.out());
    }

    @Test
    void test_modinfo_signer() {
        signature("signer");
    }

    @Test
    void test_modinfo_sig_key() {
        signature("sig_key");
    }

    @Test
    void test_modinfo_sig_hashalgo() {
        signature("sig_hashalgo");
    }

    private void signature(String field) {
        field(field, "-openssl", "/mod-simple-sha1.ko", "/mod-simple-sha256.ko", "/mod-simple-pkcs7.ko");
    }

    @Test
    void test_modinfo_external() {
        // modules.dep names /lib/modules/external/mod-simple.ko: a path in the tree, found under --sysroot
        Path tree = root.resolve("external");
        Kmod.Run r = Ours.modinfo(ISO_8859_1, "--sysroot", tree.toString(), "-k", "4.4.4", "-F", "filename", "mod-simple");
        assertEquals(0, r.exit(), r.stderr());
        assertKmodOutput(root.resolve("correct-external.txt"), r.out().replace(tree.toString(), ""));
    }
}
