package modkit.depmod;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import modkit.elf.ModuleNames;
import modkit.moddir.IndexFile;

/**
 * Our depmod on the real-module corpus against kmod 30's output committed with it (expected-kmod/): the five text
 * files must be byte-identical, kmod's own modprobe must read our binary indexes, and our reader must read kmod's.
 */
class DepmodCorpusTest {
    /** The files of depmod's table that kmod 30 writes, text and binary. */
    static final List<String> TEXT = Trees.KMOD30_FILES.stream().filter(f -> !DepmodOutput.file(f).binary()).toList();
    static final List<String> BIN = Trees.KMOD30_FILES.stream().filter(f -> DepmodOutput.file(f).binary()).toList();

    @TempDir
    Path tmp;

    private Path expected() {
        return Trees.corpus().resolve("expected-kmod");
    }

    private Path runOurs() throws IOException {
        Path root = Trees.corpusRoot(tmp);
        Kmod.Run r = Ours.depmod("-b", root.toString(), Trees.CORPUS_VERSION);
        assertEquals("", r.stderr());
        assertEquals(0, r.exit());
        return root.resolve("lib/modules/" + Trees.CORPUS_VERSION);
    }

    /**
     * depmod's table names every file kmod 30 wrote into the corpus's module directory (expected-kmod/ holds all
     * its modules.* files), and no other but kmod 34's modules.weakdep: a file left out of the table, or a row for
     * a file kmod does not write, fails here.
     */
    @Test
    void theTableListsEveryFileKmodWrites() throws IOException {
        List<String> kmods;
        try (Stream<Path> s = Files.list(expected())) {
            kmods = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("modules.")).sorted().toList();
        }
        assertEquals(10, kmods.size(), "expected-kmod/ holds the ten files kmod 30 writes: " + kmods);
        assertEquals(kmods, Trees.KMOD30_FILES.stream().sorted().toList());
        assertEquals(5, TEXT.size());
        assertEquals(5, BIN.size());
    }

    @Test
    void textFilesAreByteIdenticalToKmods() throws IOException {
        Path dir = runOurs();
        for (String f : TEXT) {
            assertEquals(Files.readString(expected().resolve(f), StandardCharsets.ISO_8859_1),
                    Files.readString(dir.resolve(f), StandardCharsets.ISO_8859_1), f);
        }
    }

    @Test
    void binaryIndexesAreByteIdenticalToKmods() throws IOException {
        Path dir = runOurs();
        for (String f : BIN) {
            assertArrayEquals(Files.readAllBytes(expected().resolve(f)), Files.readAllBytes(dir.resolve(f)), f);
        }
    }

    @Test
    void kmodModprobeReadsOurIndexes() throws IOException {
        Kmod.assumeInstalled();
        Path dir = runOurs();
        // Remove the text files kmod's modprobe never reads (it reads the .bin indexes, and modules.softdep and
        // modules.devname as text), so that what it prints comes from our indexes.
        for (String f : List.of("modules.dep", "modules.alias", "modules.symbols")) {
            Files.delete(dir.resolve(f));
        }
        String base = tmp.toString();
        Path cfg = Kmod.emptyConfig();
        List<Path> cases;
        try (Stream<Path> s = Files.list(expected().resolve("show-depends"))) {
            cases = s.sorted().toList();
        }
        assertFalse(cases.isEmpty());
        for (Path c : cases) {
            String module = c.getFileName().toString().replace(".txt", "");
            Kmod.Run r = Kmod.run("modprobe", List.of("-C", cfg.toString(), "-d", base, "-S", Trees.CORPUS_VERSION,
                    "--show-depends", module));
            assertEquals(0, r.exit(), module + ": " + r.stderr());
            assertEquals(Files.readString(c), r.out().replace(base, "BASEDIR"), module);
        }
        // Aliases (wildcards, through modules.alias.bin), symbols (modules.symbols.bin), built-ins
        // (modules.builtin.bin) and built-in aliases (modules.builtin.alias.bin).
        String[][] lookups = {
            {"char-major-10-237", "loop"}, {"pci:v00008086d00001C20sv0sd0bc04sc03i00", "snd_hda_intel"},
            {"symbol:usb_register_driver", "usbcore"}, {"crypto-aes", "aes_generic"}, {"fs-debugfs", "debugfs"}
        };
        for (String[] l : lookups) {
            Kmod.Run r = Kmod.run("modprobe", List.of("-C", cfg.toString(), "-d", base, "-S", Trees.CORPUS_VERSION,
                    "-R", l[0]));
            assertEquals(0, r.exit(), l[0] + ": " + r.stderr());
            // one line per matching alias entry (the device id matches two patterns of snd_hda_intel)
            assertEquals(List.of(l[1]), r.out().lines().distinct().toList(), l[0]);
        }
        Kmod.Run builtin = Kmod.run("modprobe", List.of("-C", cfg.toString(), "-d", base, "-S", Trees.CORPUS_VERSION,
                "--show-depends", "amd-uncore"));
        assertEquals("builtin amd_uncore\n", builtin.out(), builtin.stderr());
    }

    @Test
    void ourReaderReadsKmodsIndexes() throws IOException {
        Path e = expected();
        // modules.dep.bin: key = module name, value = the modules.dep line
        List<String> fromBin = new ArrayList<>();
        for (IndexFile.Entry en : IndexFile.read(e.resolve("modules.dep.bin")).entries()) {
            fromBin.add(en.values().get(0).value());
        }
        List<String> fromText = new ArrayList<>(Files.readAllLines(e.resolve("modules.dep")));
        fromText.sort(null);
        fromBin.sort(null);
        assertEquals(fromText, fromBin);
        IndexFile deps = IndexFile.read(e.resolve("modules.dep.bin"));
        assertEquals("kernel/drivers/usb/host/ehci-pci.ko: kernel/drivers/usb/host/ehci-hcd.ko "
                + "kernel/drivers/usb/core/usbcore.ko kernel/drivers/usb/common/usb-common.ko", deps.search("ehci_pci"));
        // modules.symbols.bin: every "alias symbol:X M" line, and nothing else
        List<String> symText = new ArrayList<>();
        for (String l : Files.readAllLines(e.resolve("modules.symbols"))) {
            if (l.startsWith("alias ")) {
                symText.add(l.substring(6));
            }
        }
        List<String> symBin = new ArrayList<>();
        for (IndexFile.Entry en : IndexFile.read(e.resolve("modules.symbols.bin")).entries()) {
            for (IndexFile.Value v : en.values()) {
                symBin.add(en.key() + " " + v.value());
            }
        }
        symText.sort(null);
        symBin.sort(null);
        assertEquals(symText, symBin);
        // modules.alias.bin: the wildcard search finds the module of a device id
        IndexFile alias = IndexFile.read(e.resolve("modules.alias.bin"));
        assertEquals(List.of("snd_hda_intel"), alias.searchWild("pci:v00008086d00001C20sv0sd0bc04sc03i00").stream()
                .map(IndexFile.Value::value).distinct().toList());
        assertEquals(List.of("loop"), alias.lookup("char_major_10_237").stream().map(IndexFile.Value::value).toList());
        // modules.builtin.bin lists the modules of modules.builtin
        IndexFile builtin = IndexFile.read(e.resolve("modules.builtin.bin"));
        List<String> builtinText = Files.readAllLines(Trees.corpus().resolve("modules.builtin"));
        assertEquals(builtinText.size(), builtin.entries().size());
        for (String line : builtinText) {
            String name = ModuleNames.fromPath(line.substring(line.lastIndexOf('/') + 1));
            assertEquals(List.of(new IndexFile.Value("", 0)), builtin.lookup(name), name);
        }
        assertEquals("aes_generic", IndexFile.read(e.resolve("modules.builtin.alias.bin")).search("crypto_aes"));
    }

    @Test
    void errsymsWithSystemMapOrSymversMatchesKmodsStderr() throws IOException {
        Path root = Trees.corpusRoot(tmp);
        Path c = Trees.corpus();
        Kmod.Run f = Ours.depmod("-b", root.toString(), "-e", "-n", "-F",
                c.resolve("System.map-" + Trees.CORPUS_VERSION + ".gz").toString(), Trees.CORPUS_VERSION);
        assertEquals(Files.readString(expected().resolve("depmod-e-F.stderr")), f.stderr());
        Kmod.Run e = Ours.depmod("-b", root.toString(), "-e", "-n", "-E", c.resolve("Module.symvers.gz").toString(),
                Trees.CORPUS_VERSION);
        assertEquals(Files.readString(expected().resolve("depmod-e-E.stderr")), e.stderr());
        // -n prints the text files, in kmod's order, and writes nothing
        StringBuilder all = new StringBuilder();
        for (String n : List.of("modules.dep", "modules.alias", "modules.softdep", "modules.symbols", "modules.devname")) {
            all.append(Files.readString(expected().resolve(n), StandardCharsets.ISO_8859_1));
        }
        assertEquals(all.toString(), Trees.withoutWeakdeps(e.out()));
        assertFalse(Files.exists(root.resolve("lib/modules/" + Trees.CORPUS_VERSION + "/modules.dep")));
    }
}
