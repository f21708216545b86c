package modkit.modinfo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import modkit.depmod.Kmod;
import modkit.depmod.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import modkit.depmod.Ours;

/**
 * Our modinfo against kmod's on the corpus: every module, by name and by path, in every output mode, signed
 * modules' signature fields included, built-in modules from modules.builtin.modinfo, and the error lines.
 */
class ModinfoCorpusTest {
    @TempDir
    Path tmp;

    /** The corpus tree with our depmod's indexes. */
    private Path root() throws IOException {
        Path root = Trees.corpusRoot(tmp.resolve("root"));
        assertEquals(0, Ours.depmod("-b", root.toString(), Trees.CORPUS_VERSION).exit());
        return root;
    }

    private static List<String> moduleFiles(Path root) throws IOException {
        Path dir = root.resolve("lib/modules/" + Trees.CORPUS_VERSION);
        try (Stream<Path> s = Files.walk(dir.resolve("kernel").toRealPath())) {
            Path real = dir.resolve("kernel").toRealPath();
            return s.filter(p -> p.toString().endsWith(".ko"))
                    .map(p -> dir.resolve("kernel").resolve(real.relativize(p).toString()).toString())
                    .sorted()
                    .toList();
        }
    }

    @Test
    void everyModuleInEveryModeMatchesKmod() throws IOException {
        Kmod.assumeInstalled();
        Path root = root();
        List<String> files = moduleFiles(root);
        assertEquals(44, files.size());
        List<List<String>> modes = List.of(List.of(), List.of("-0"), List.of("-p"), List.of("-0", "-p"),
                List.of("-F", "alias"), List.of("-F", "signature"), List.of("-F", "sig_key"), List.of("-F", "name"),
                List.of("-a"), List.of("-d"), List.of("-l"), List.of("-n"), List.of("-F", "parmtype"),
                List.of("-F", "LICENSE"), List.of("-l", "-F", "vermagic"));
        for (String file : files) {
            String name = Path.of(file).getFileName().toString().replace(".ko", "");
            for (List<String> mode : modes) {
                for (String target : List.of(name, file)) {
                    List<String> args = new ArrayList<>(List.of("-b", root.toString(), "-k", Trees.CORPUS_VERSION));
                    args.addAll(mode);
                    args.add(target);
                    Kmod.Run k = Kmod.run("modinfo", args);
                    Kmod.Run o = Ours.modinfo(UTF_8, args.toArray(String[]::new));
                    assertEquals(k.out(), o.out(), args.toString());
                    assertEquals(k.exit(), o.exit(), args.toString());
                }
            }
        }
    }

    @Test
    void aliasesBuiltinsAndErrorsMatchKmod() throws IOException {
        Kmod.assumeInstalled();
        Path root = root();
        for (String target : List.of("char-major-10-237", "pci:v00008086d00001C20sv0sd0bc04sc03i00", "amd_uncore",
                "amd-uncore", "fs-debugfs", "crypto-aes", "symbol:usb_register_driver", "nosuch")) {
            for (String mode : List.of("", "-0")) {
                List<String> args = new ArrayList<>(List.of("-b", root.toString(), "-k", Trees.CORPUS_VERSION));
                if (!mode.isEmpty()) {
                    args.add(mode);
                }
                args.add(target);
                Kmod.Run k = Kmod.run("modinfo", args);
                Kmod.Run o = Ours.modinfo(UTF_8, args.toArray(String[]::new));
                assertEquals(k.out(), o.out(), args.toString());
                assertEquals(k.stderr(), o.stderr(), args.toString());
                assertEquals(k.exit(), o.exit(), args.toString());
            }
        }
    }

    @Test
    void readsKmodsIndexes() throws IOException {
        Path root = Trees.corpusRoot(tmp.resolve("k"));
        Path dir = root.resolve("lib/modules/" + Trees.CORPUS_VERSION);
        for (String f : List.of("modules.dep.bin", "modules.alias.bin", "modules.symbols.bin", "modules.builtin.bin",
                "modules.builtin.alias.bin")) {
            Files.createSymbolicLink(dir.resolve(f), Trees.corpus().resolve("expected-kmod/" + f).toAbsolutePath());
        }
        String[][] cases = {{"char-major-10-237", dir + "/kernel/drivers/block/loop.ko"},
            {"symbol:usb_register_driver", dir + "/kernel/drivers/usb/core/usbcore.ko"},
            {"snd-hda-intel", dir + "/kernel/sound/pci/hda/snd-hda-intel.ko"}, {"crypto-aes", "(builtin)"}};
        for (String[] c : cases) {
            Kmod.Run o = Ours.modinfo(UTF_8, "-b", root.toString(), "-k", Trees.CORPUS_VERSION, "-n", c[0]);
            assertEquals(c[1] + "\n", o.out(), c[0] + ": " + o.stderr());
        }
        Kmod.Run b = Ours.modinfo(UTF_8, "-b", root.toString(), "-k", Trees.CORPUS_VERSION, "amd_uncore");
        assertEquals("""
                name:           amd_uncore
                filename:       (builtin)
                license:        GPL v2
                file:           arch/x86/events/amd/amd-uncore
                description:    AMD Uncore Driver
                """, b.out());
    }

    @Test
    void signedModuleShowsItsSignature() throws IOException {
        Path dummy = Trees.corpus().resolve("kernel/drivers/net/dummy.ko");
        Kmod.Run o = Ours.modinfo(UTF_8, dummy.toString());
        assertEquals(0, o.exit());
        String out = o.out();
        assertTrue(out.contains("\nsig_id:         PKCS#7\n"), out);
        assertTrue(out.contains("\nsigner:         Build time autogenerated kernel key\n"), out);
        assertTrue(out.contains("\nsig_key:        66:F5:4E:15:66:A0:43:CC:30:30:42:0E:18:1C:F8:50:FB:9F:42:AC\n"), out);
        assertTrue(out.contains("\nsig_hashalgo:   sha256\n"), out);
        assertTrue(out.contains("\nsignature:      4E:0A:D1:F8:4A:14:22:59:8A:F1:F3:67:10:76:E6:38:63:77:02:2F:\n\t\t20:80:B3"), out);
        assertTrue(out.endsWith("parm:           numdummies:Number of dummy pseudo devices (int)\n"), out);
    }

    @Test
    void damagedFileIsOneErrorLine() throws IOException {
        Path bad = tmp.resolve("bad.ko");
        Files.write(bad, java.util.Arrays.copyOf(Files.readAllBytes(Trees.corpus().resolve("kernel/drivers/net/dummy.ko")), 300));
        Kmod.Run o = Ours.modinfo(UTF_8, bad.toString());
        assertEquals(1, o.exit());
        assertEquals("", o.out());
        assertEquals(1, o.stderr().lines().count(), o.stderr());
        assertTrue(o.stderr().startsWith("modinfo: ERROR: " + bad + ": "), o.stderr());
        assertTrue(o.stderr().contains("past the end of the file"), o.stderr());
        Path notElf = tmp.resolve("text.ko");
        Files.writeString(notElf, "hello, world\n");
        o = Ours.modinfo(UTF_8, notElf.toString());
        assertEquals(1, o.exit());
        assertEquals("modinfo: ERROR: " + notElf + ": not an ELF file (bad magic in e_ident)\n", o.stderr());
    }

    @Test
    void jsonHasTheFieldsAndParameters() throws IOException {
        Path root = root();
        Kmod.Run o = Ours.modinfo(UTF_8, "-b", root.toString(), "-k", Trees.CORPUS_VERSION, "--json", "loop", "amd_uncore");
        assertEquals(0, o.exit(), o.stderr());
        String j = o.out();
        assertTrue(j.startsWith("[\n  {\n    \"name\": \"loop\""), j);
        assertTrue(j.contains("\"key\": \"alias\",\n        \"value\": \"char-major-10-237\""), j);
        assertTrue(j.contains("\"name\": \"max_part\",\n        \"description\": \"Maximum number of partitions per loop device\",\n        \"type\": \"int\""), j);
        assertTrue(j.contains("\"key\": \"signer\",\n        \"value\": \"Build time autogenerated kernel key\""), j);
        assertTrue(j.contains("\"filename\": \"(builtin)\""), j);
    }

    /**
     * kmod's modinfo reads no modprobe.d (modinfo.c: kmod_new(dirname, &null_config)): an alias line does not
     * redirect a lookup, even under --sysroot, where our modprobe would read it.
     */
    @Test
    void configAliasesAreNotRead() throws IOException {
        Path root = root();
        Path conf = root.resolve("etc/modprobe.d/local.conf");
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, "alias char-major-10-237 nf_conntrack_snmp\n");
        Kmod.Run o = Ours.modinfo(UTF_8, "--sysroot", root.toString(), "-k", Trees.CORPUS_VERSION, "-F", "name", "char-major-10-237");
        assertEquals(0, o.exit(), o.stderr());
        assertEquals("loop\n", o.out(), "the index answers (loop's alias char-major-10-237)");
    }

    /** kmod's -m/--modname (kmod 30 and 34): the argument is a module name only, never an alias or a file. */
    @Test
    void modnameTakesNamesOnlyAsKmod() throws IOException {
        Kmod.assumeInstalled();
        Path root = root();
        for (String arg : List.of("loop", "snd-pcm", "char-major-10-237", "nf_conntrack_snmp.ko", "nonesuch")) {
            List<String> args = List.of("-b", root.toString(), "-k", Trees.CORPUS_VERSION, "-m", "-F", "filename", arg);
            Kmod.Run k = Kmod.run("modinfo", args);
            Kmod.Run o = Ours.modinfo(UTF_8, args.toArray(String[]::new));
            assertEquals(k.out(), o.out(), arg);
            assertEquals(k.stderr(), o.stderr(), arg);
            assertEquals(k.exit(), o.exit(), arg);
        }
    }
}
