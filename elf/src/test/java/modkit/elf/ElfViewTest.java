package modkit.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The lean depth of the ELF reader against tools nobody here wrote: each sample object's section table against
 * GNU readelf's (goldens from {@code testdata/gen-readelf-golden.sh}), and {@code __versions} of real modules of
 * three byte orders and word sizes against kmod's {@code modprobe --dump-modversions}.
 */
class ElfViewTest {
    private static final Path OBJECTS = Path.of("../testdata/objects");
    private static final Path GOLDEN = Path.of("../testdata/golden/readelf");
    private static final Path CORPUS = Path.of("../../shared/corpus");
    private static final Map<String, Integer> TYPES = Map.of(
            "NULL", 0, "PROGBITS", 1, "SYMTAB", 2, "STRTAB", 3, "RELA", 4, "NOBITS", 8, "REL", 9);

    @Test
    void sectionTablesAreReadelfs() throws IOException {
        List<Path> goldens;
        try (Stream<Path> s = Files.walk(GOLDEN)) {
            goldens = s.filter(p -> p.toString().endsWith(".sections")).sorted().toList();
        }
        assertTrue(goldens.size() >= 25, "goldens: " + goldens.size());
        for (Path g : goldens) {
            String name = g.getFileName().toString().replace(".sections", "");
            Path obj = OBJECTS.resolve(g.getParent().getFileName().toString()).resolve(name);
            byte[] data = Files.readAllBytes(obj);
            ElfView v = ElfView.of(obj.toString(), data, data.length);
            List<String> lines = Files.readAllLines(g);
            assertEquals(lines.size(), v.sectionCount(), obj + ": section count");
            for (String line : lines) {
                String[] f = line.split(" ");
                int i = Integer.parseInt(f[0]);
                String where = obj + " section " + i;
                assertEquals(f[1].equals("-") ? "" : f[1], v.name(i), where);
                if (TYPES.containsKey(f[2])) {
                    assertEquals((int) TYPES.get(f[2]), v.type(i), where);
                }
                assertEquals(Long.parseLong(f[3], 16), v.offset(i), where);
                assertEquals(Long.parseLong(f[4], 16), v.size(i), where);
                assertEquals(Integer.parseInt(f[5]), v.link(i), where);
                assertEquals(Integer.parseInt(f[6]), v.info(i), where);
                if (i > 0) {
                    assertEquals(firstOfName(lines, f[1]), v.find(v.name(i)), where + ": find");
                }
            }
        }
    }

    private static int firstOfName(List<String> lines, String name) {
        for (String l : lines) {
            String[] f = l.split(" ");
            if (!f[0].equals("0") && f[1].equals(name)) {
                return Integer.parseInt(f[0]);
            }
        }
        return -1;
    }

    @Test
    void versionsAreKmods() throws Exception {
        for (String tree : List.of("amd64-6.1", "i386-6.1", "m68k-6.1")) {
            List<Path> modules;
            try (Stream<Path> s = Files.walk(CORPUS.resolve(tree).resolve("kernel"))) {
                modules = s.filter(p -> p.toString().endsWith(".ko")).sorted().limit(3).toList();
            }
            assertEquals(3, modules.size(), tree);
            for (Path m : modules) {
                StringBuilder ours = new StringBuilder();
                for (VersionEntry e : ModuleSummary.versions(m)) {
                    ours.append(String.format("0x%08x\t%s\n", e.crc(), e.name()));
                }
                assertTrue(ours.length() > 0, m + " has __versions");
                assertEquals(kmodDump(m), ours.toString(), m.toString());
            }
        }
    }

    private static String kmodDump(Path module) throws Exception {
        // kmod is one program that acts by the name it is started under.
        Path modprobe = Files.createTempDirectory("kmod").resolve("modprobe");
        Files.createSymbolicLink(modprobe, Path.of("/usr/bin/kmod"));
        Process p = new ProcessBuilder(modprobe.toString(), "--dump-modversions", module.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void aSectionPastTheEndIsNamedByIndex() throws IOException {
        Path obj = OBJECTS.resolve("x86_64/mk_params.ko");
        byte[] data = Files.readAllBytes(obj);
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(0x28);
        b.putLong((int) shoff + 64 * 2 + 24, data.length + 1L); // section 2's sh_offset
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfView.of("m.ko", data, data.length));
        assertTrue(e.getMessage().startsWith("m.ko: section 2 runs past the end of the file"), e.getMessage());
    }

    @Test
    void aLargeModuleReadASectionAtATimeReadsAsInMemory() throws IOException {
        List<Path> large;
        try (Stream<Path> s = Files.walk(CORPUS.resolve("amd64-6.1/kernel"))) {
            large = s.filter(p -> p.toString().endsWith(".ko") && p.toFile().length() > (256 << 10)).limit(3).toList();
        }
        assertEquals(3, large.size(), "large plain modules in the corpus");
        for (Path m : large) {
            ModuleSummary partial = ModuleSummary.read(m);
            ModuleSummary inMemory = ModuleSummary.parse(m.toString(), Files.readAllBytes(m));
            assertEquals(List.copyOf(inMemory.exports()), List.copyOf(partial.exports()), m + " exports");
            assertEquals(List.copyOf(inMemory.needs()), List.copyOf(partial.needs()), m + " needs");
            assertEquals(inMemory.modinfo(), partial.modinfo(), m + " modinfo");
            assertTrue(partial.needs().size() > 10, m + " needs");
        }
    }

    @Test
    void onlyTheRangesAskedForAreLoadedWhereTheLoaderPutsThem() throws IOException {
        Path obj = OBJECTS.resolve("x86_64/mk_params.ko");
        byte[] file = Files.readAllBytes(obj);
        List<int[]> asked = new ArrayList<>();
        // A loader that packs each range after the last, from a small array it outgrows, as depmod's does.
        ElfView.Loader packing = new ElfView.Loader() {
            byte[] data = Arrays.copyOf(file, 64);
            int used = 64;

            @Override
            public int load(int offset, int length) {
                asked.add(new int[] {offset, length});
                data = Arrays.copyOf(data, used + length);
                System.arraycopy(file, offset, data, used, length);
                used += length;
                return used - length;
            }

            @Override
            public byte[] data() {
                return data;
            }
        };
        ElfView v = ElfView.of("packed", file.length, packing);
        ElfView whole = ElfView.of("whole", file, file.length);
        int names = asked.size(); // the section headers and the name table
        int modinfo = v.find(".modinfo");
        assertTrue(modinfo > 0);
        v.load(modinfo);
        v.load(modinfo);
        assertEquals(names + 1, asked.size(), "a section is loaded once");
        assertEquals(v.offset(modinfo), asked.get(asked.size() - 1)[0]);
        assertEquals(v.size(modinfo), asked.get(asked.size() - 1)[1]);
        assertEquals(2, names, "the section headers and the name table");
        assertEquals(64 + asked.get(0)[1] + asked.get(1)[1], v.position(modinfo), "packed after them");
        for (int i = 0; i < whole.sectionCount(); i++) {
            assertEquals(whole.name(i), v.name(i), "section " + i);
        }
        assertEquals(whole.modinfo(whole.find(".modinfo"), StandardCharsets.ISO_8859_1, null),
                v.modinfo(modinfo, StandardCharsets.ISO_8859_1, null));
        int versions = v.find("__versions");
        assertEquals(whole.versions(versions).entries(), v.versions(versions).entries());
    }
}
