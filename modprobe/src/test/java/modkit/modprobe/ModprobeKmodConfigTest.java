package modkit.modprobe;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import modkit.depmod.Kmod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import modkit.depmod.Ours;

/**
 * Configuration errors as kmod reports them: our {@code modprobe -c} and kmod 30's on the same tree and the same
 * modprobe.d file must print the same stderr (which lines are bad, in kmod's words) and the same configuration.
 * Both read this host's /proc/cmdline (kmod's {@code -d} roots the module directory only), so its options are
 * compared too.
 */
class ModprobeKmodConfigTest {
    static final String V = "6.1.0-cfg";

    @TempDir
    Path tmp;

    /** Lines kmod accepts in silence (stray softdep words, extra words) and lines it calls bad, one of each kind. */
    static final String CONF = """
            softdep cifs gcm
            softdep
            softdep foo
            softdep bar pre:
            softdep baz  \s
            frob x
            alias
            alias a
            alias a b c
            blacklist
            blacklist a b
            options x
            options y  two  spaces\tand tab
            include foo
            config bar
            softdep cat pre: a  b
            softdep dog post: c
            softdep a[ b
            alias x] y
              # indented comment
            install m /bin/true \\
              continued
            remove m /bin/false \\x
            """;

    @Test
    void badLinesAndSilentlyAcceptedLinesAreKmods() throws IOException {
        Kmod.assumeInstalled();
        Path root = tmp.resolve("root");
        Path dir = Files.createDirectories(root.resolve("lib/modules/" + V));
        Files.writeString(dir.resolve("modules.dep"), "");
        // Debian 6.1's modules.softdep line from cifs's MODULE_SOFTDEP("gcm") (no pre:/post:): kmod is silent
        Files.writeString(dir.resolve("modules.softdep"), "# Soft dependencies extracted from modules themselves.\n"
                + "softdep cifs gcm\nsoftdep cifs ccm\nsoftdep nf_conntrack pre: nf_defrag_ipv4\n");
        Path conf = tmp.resolve("conf");
        Files.createDirectories(conf);
        Files.writeString(conf.resolve("test.conf"), CONF);
        List<String> args = List.of("-C", conf.toString(), "-d", root.toString(), "-S", V, "-c");
        Kmod.Run k = Kmod.run("modprobe", args);
        Kmod.Run o = Ours.modprobe(UTF_8, args.toArray(String[]::new));
        assertEquals(k.stderr(), o.stderr());
        assertEquals(configPart(k.out()), configPart(o.out()));
        assertEquals(k.exit(), o.exit());
        assertTrue(o.stderr().contains("test.conf line 2: ignoring bad line starting with 'softdep'"), o.stderr());
        assertTrue(!o.stderr().contains("modules.softdep"), "no warning for softdep cifs gcm: " + o.stderr());
    }

    private static String configPart(String out) {
        int end = out.indexOf("\n# End of configuration files.");
        return end < 0 ? out : out.substring(0, end);
    }

    /** kmod logs a name nothing answers to at its fatal level and stops (modprobe.c: LOG, log_priority LOG_CRIT). */
    @Test
    void unknownNameIsKmodsFatalLine() throws IOException {
        Kmod.assumeInstalled();
        Path root = modkit.depmod.Trees.corpusRoot(tmp.resolve("corpus"));
        String v = modkit.depmod.Trees.CORPUS_VERSION;
        assertEquals(0, modkit.depmod.Ours.depmod("-b", root.toString(), v).exit());
        for (List<String> names : List.of(List.of("no_such_module"), List.of("no-such-alias:x"), List.of("-a", "nonesuch", "loop"))) {
            java.util.ArrayList<String> args = new java.util.ArrayList<>(List.of("-C", "/dev/null", "-d", root.toString(), "-S", v,
                    "--show-depends"));
            args.addAll(names);
            Kmod.Run k = Kmod.run("modprobe", args);
            Kmod.Run o = Ours.modprobe(UTF_8, args.toArray(String[]::new));
            assertEquals(k.stderr(), o.stderr(), names.toString());
            assertEquals(k.out(), o.out(), names.toString());
            assertEquals(k.exit(), o.exit(), names.toString());
        }
    }
}
