package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import modkit.elf.ObjectFile;
import modkit.insmod.Insmod;
import modkit.insmod.LinkOptions;
import modkit.insmod.LinkResult;
import modkit.insmod.LoadMap;
import modkit.kernel.KernelProfile;
import modkit.kernel.ProfileFile;
import modkit.kernel.SimulatedKernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The load map's symbol list (insmod -m "Symbols:", --map-json "symbols") against GNU nm: testdata/gen-nm-golden.py
 * gave a copy of each object modkit's section addresses and recorded {@code nm -n -f sysv} of it, so the letters,
 * addresses and order expected here are nm's.
 */
class LoadMapNmTest {
    record Case(String arch, String name, String object, String profile) {
        @Override
        public String toString() {
            return arch + "/" + name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("x86_64", "mk_params", "objects/x86_64/mk_params.ko", null),
                new Case("x86_64", "mk_exporter", "objects/x86_64/mk_exporter.ko", null),
                new Case("x86_64", "mk_jumptable", "objects/x86_64/mk_jumptable.ko", null),
                new Case("x86_64", "mk_percpu", "objects/x86_64/mk_percpu.ko", null),
                new Case("i386", "relocs", "objects/i386/relocs.o", "profiles/i386-test.profile"),
                new Case("m68k", "relocs", "objects/m68k/relocs.o", "profiles/m68k-test.profile"),
                new Case("m68k", "mk_calls", "objects/m68k/mk_calls.o", "profiles/m68k-test.profile"));
    }

    /** One line of nm's sysv listing: name, value, class letter, section. */
    record NmLine(String name, long value, char type, String section) {
        @Override
        public String toString() {
            return String.format("%x %c %s", value, type, name);
        }
    }

    static LinkResult link(Case c, Path root) {
        Path td = TestPaths.testdata();
        KernelProfile profile = c.profile() == null ? ProfileFile.embeddedDefault() : ProfileFile.read(td.resolve(c.profile()));
        try (SimulatedKernel kernel = SimulatedKernel.boot(root, profile)) {
            return Insmod.load(ObjectFile.read(td.resolve(c.object())), kernel, LinkOptions.DEFAULT, true);
        }
    }

    static List<NmLine> readNm(Path p) throws IOException {
        List<NmLine> out = new ArrayList<>();
        for (String line : Files.readAllLines(p)) {
            String[] f = line.split("\\|", -1);
            if (f.length != 7 || f[1].isBlank()) {
                continue; // headers, and undefined symbols (no value)
            }
            out.add(new NmLine(f[0].strip(), Long.parseUnsignedLong(f[1].strip(), 16), f[2].strip().charAt(0), f[6].strip()));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void symbolsLettersAndOrderAreNms(Case c, @TempDir Path root) throws IOException {
        LinkResult r = link(c, root);
        Set<String> loaded = new HashSet<>(Set.of("*ABS*"));
        r.sections().forEach(s -> loaded.add(s.name()));
        if (r.region("percpu") != null) {
            loaded.add(".data..percpu");
        }
        List<String> want = new ArrayList<>();
        for (NmLine l : readNm(TestPaths.testdata().resolve("golden").resolve(c.arch()).resolve(c.name() + ".nm"))) {
            if (loaded.contains(l.section())) {
                want.add(l.toString());
            }
        }
        List<String> got = new ArrayList<>();
        for (LoadMap.MapSymbol s : LoadMap.symbols(r)) {
            got.add(String.format("%x %c %s", s.address(), s.type(), s.name()));
        }
        assertTrue(want.size() > 3, c + ": the nm golden lists symbols of placed sections");
        assertEquals(String.join("\n", want), String.join("\n", got),
                c + ": load map vs nm -n (if only addresses moved, modkit's layout changed: rerun testdata/gen-nm-golden.py)");
    }

    @Test
    void textMapHasModutilsSectionsAndSymbolsTables(@TempDir Path root) throws IOException {
        Case c = cases().filter(k -> k.name().equals("mk_percpu")).findFirst().orElseThrow();
        String text = LoadMap.text(link(c, root));
        assertTrue(text.contains("\nSections:       Size      Address           Align"), text);
        // nm's own line for the per-cpu variable, in modutils' "%016lx %c %s" form.
        NmLine percpu = readNm(TestPaths.testdata().resolve("golden/x86_64/mk_percpu.nm")).stream()
                .filter(l -> l.name().equals("mk_percpu_count")).findFirst().orElseThrow();
        assertTrue(text.contains(String.format("\n%016x d mk_percpu_count\n", percpu.value())), text);
        // .data is 2**4 in the object (readelf: Al 16 or more), as in modutils' Align column.
        assertTrue(text.lines().anyMatch(l -> l.matches("\\.text +[0-9a-f]{8}  ffffffff[0-9a-f]{8}  2\\*\\*\\d+ .*")), text);
    }

    @Test
    void jsonCarriesTypeBindingAndAlign(@TempDir Path root) throws IOException {
        Case c = cases().filter(k -> k.name().equals("mk_exporter")).findFirst().orElseThrow();
        LinkResult r = link(c, root);
        String json = LoadMap.json(r);
        NmLine add = readNm(TestPaths.testdata().resolve("golden/x86_64/mk_exporter.nm")).stream()
                .filter(l -> l.name().equals("mk_add")).findFirst().orElseThrow();
        assertTrue(json.contains("{\"name\": \"mk_add\", \"address\": \"0x" + Long.toHexString(add.value())
                + "\", \"from\": \"self\", \"type\": \"" + add.type() + "\", \"binding\": \"global\", \"section\": \""
                + add.section() + "\"}"), json);
        long align = r.object().anySection(".gnu.linkonce.this_module").addralign();
        assertTrue(json.contains("\"name\": \".gnu.linkonce.this_module\"") && json.contains("\"align\": " + align), json);
    }
}
