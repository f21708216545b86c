package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import modkit.elf.ObjectFile;
import modkit.elf.Section;
import modkit.insmod.Insmod;
import modkit.insmod.LinkOptions;
import modkit.insmod.LinkResult;
import modkit.kernel.KernelProfile;
import modkit.kernel.ProfileFile;
import modkit.kernel.SimulatedKernel;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For each sample object, every placed section's relocated bytes equal GNU ld's output for the same placement.
 * The goldens (testdata/golden/ARCH/NAME.golden) come from testdata/gen-golden.sh: modkit only chose the
 * addresses (kept beside them as NAME.map.json, which this test checks first); ld computed the bytes.
 */
class GoldenImageTest {
    /** Golden name → (object, profile or null for the embedded default, needs mk_exporter loaded first). */
    record Case(String arch, String name, String object, String profile, boolean importer) {
        @Override
        public String toString() {
            return arch + "/" + name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("x86_64", "mk_params", "objects/x86_64/mk_params.ko", null, false),
                new Case("x86_64", "mk_exporter", "objects/x86_64/mk_exporter.ko", null, false),
                new Case("x86_64", "mk_importer", "objects/x86_64/mk_importer.ko", null, true),
                new Case("x86_64", "mk_nsimport", "objects/x86_64/mk_nsimport.ko", null, true),
                new Case("x86_64", "mk_jumptable", "objects/x86_64/mk_jumptable.ko", null, false),
                new Case("x86_64", "mk_strings", "objects/x86_64/mk_strings.ko", null, false),
                new Case("x86_64", "mk_failinit", "objects/x86_64/mk_failinit.ko", null, false),
                new Case("x86_64", "relocs", "objects/x86_64/relocs.o", "profiles/x86_64-test.profile", false),
                new Case("i386", "relocs", "objects/i386/relocs.o", "profiles/i386-test.profile", false),
                new Case("m68k", "relocs", "objects/m68k/relocs.o", "profiles/m68k-test.profile", false),
                new Case("m68k", "mk_calls", "objects/m68k/mk_calls.o", "profiles/m68k-test.profile", false));
    }

    record GoldenSection(int index, String name, long address, long size, String hex) {}

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void relocatedBytesEqualGnuLd(Case c, @TempDir Path root) throws IOException {
        Path td = TestPaths.testdata();
        KernelProfile profile = c.profile() == null ? ProfileFile.embeddedDefault() : ProfileFile.read(td.resolve(c.profile()));
        LinkResult r;
        try (SimulatedKernel kernel = SimulatedKernel.boot(root, profile)) {
            if (c.importer()) {
                Insmod.load(td.resolve("objects/x86_64/mk_exporter.ko"), kernel, LinkOptions.DEFAULT, false);
            }
            r = Insmod.load(ObjectFile.read(td.resolve(c.object())), kernel, LinkOptions.DEFAULT, true);
        }
        Path golden = td.resolve("golden").resolve(c.arch()).resolve(c.name() + ".golden");
        Map<Integer, GoldenSection> expected = readGolden(golden);
        Map<Integer, Long> mapAddresses = readMapAddresses(td.resolve("golden").resolve(c.arch()).resolve(c.name() + ".map.json"));

        for (LinkResult.PlacedSection s : r.sections()) {
            assertEquals(mapAddresses.get(s.index()), s.address(),
                    () -> "placement of " + s.name() + " changed since the golden was made: rerun testdata/gen-golden.sh and review");
        }
        assertSameBytes(c.toString(), r, expected);
    }

    /** Every placed section except the kallsyms copies is in the golden, at the same address, with the same bytes. */
    static void assertSameBytes(String label, LinkResult r, Map<Integer, GoldenSection> expected) {
        List<String> placedIndexes = new ArrayList<>();
        for (LinkResult.PlacedSection s : r.sections()) {
            Section src = r.object().section(s.index());
            if (src.type() == Section.SHT_SYMTAB || src.type() == Section.SHT_STRTAB) {
                continue; // kallsyms copies, not linked
            }
            placedIndexes.add(s.name());
            GoldenSection g = expected.get(s.index());
            assertNotNull(g, () -> label + ": GNU ld golden has no section " + s.index() + " " + s.name());
            assertEquals(g.address(), s.address(), label + ": " + s.name() + " address");
            assertEquals(g.size(), s.size(), label + ": " + s.name() + " size");
            if (!g.hex().equals("-")) {
                String got = HexFormat.of().formatHex(r.sectionBytes(s));
                if (!g.hex().equals(got)) {
                    fail(label + ": bytes of " + s.name() + " differ from GNU ld's" + firstDifference(g.hex(), got));
                }
            }
        }
        assertEquals(expected.size(), placedIndexes.size(), label + ": sections placed by modkit vs sections in the golden");
    }

    /** " at +0xOFF: ld ... modkit ...", 8 bytes from the first differing one (whole sections can be 100 KiB). */
    private static String firstDifference(String want, String got) {
        int i = 0;
        while (i < Math.min(want.length(), got.length()) && want.charAt(i) == got.charAt(i)) {
            i++;
        }
        int at = i / 2 * 2;
        return " at +0x" + Integer.toHexString(at / 2) + ": ld " + want.substring(at, Math.min(want.length(), at + 16))
                + ", modkit " + got.substring(at, Math.min(got.length(), at + 16));
    }

    static Map<Integer, GoldenSection> readGolden(Path p) throws IOException {
        Map<Integer, GoldenSection> out = new TreeMap<>();
        for (String line : Files.readAllLines(p)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ");
            out.put(Integer.parseInt(f[0]), new GoldenSection(Integer.parseInt(f[0]), f[1], Long.parseUnsignedLong(f[2].substring(2), 16),
                    Long.parseLong(f[3].substring(2), 16), f.length > 4 ? f[4] : ""));
        }
        return out;
    }

    private static final Pattern MAP_SECTION =
            Pattern.compile("\\{\"index\": (\\d+), \"name\": \"[^\"]*\", \"region\": \"[^\"]*\", \"address\": \"0x([0-9a-f]+)\"");

    static Map<Integer, Long> readMapAddresses(Path p) throws IOException {
        Map<Integer, Long> out = new TreeMap<>();
        Matcher m = MAP_SECTION.matcher(Files.readString(p));
        while (m.find()) {
            out.put(Integer.parseInt(m.group(1)), Long.parseUnsignedLong(m.group(2), 16));
        }
        return out;
    }
}
