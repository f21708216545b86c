package modkit.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The CRCs a summary keeps (as 32-bit words) against the kernel build's own Module.symvers for Debian's 6.1 amd64
 * modules: an export's CRC is the one the build recorded for it, and so is the CRC a module's {@code __versions}
 * holds for each symbol it needs.
 */
class ModuleSummaryCrcTest {
    private static final Path CORPUS = Path.of("../../shared/corpus/amd64-6.1");

    private static Map<String, Long> symvers() throws IOException {
        Map<String, Long> crcs = new HashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(CORPUS.resolve("Module.symvers.gz")))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).split("\n")) {
                String[] f = line.split("\t");
                if (f.length >= 2) {
                    crcs.put(f[1], Long.decode(f[0]));
                }
            }
        }
        return crcs;
    }

    /**
     * An export whose {@code __crc_} symbol points past its section has kmod's -1 for a CRC, a value no 32-bit word
     * holds: the others, before and after it in the table, keep theirs.
     */
    @Test
    void aCrcThatCannotBeFoundIsMinusOneAndTheOthersStay() throws IOException {
        Path obj = Path.of("../testdata/objects/x86_64/mk_exporter.ko");
        byte[] data = Files.readAllBytes(obj);
        Map<String, Long> before = crcs(ModuleSummary.parse("m.ko", data.clone()).exports());
        assertEquals(4, before.size(), before.toString());
        ElfView elf = ElfView.of("m.ko", data, data.length);
        int symtab = elf.find(".symtab"), strtab = elf.find(".strtab");
        byte[] name = "__crc_mk_gpl_mul\0".getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int patched = 0;
        for (long at = elf.offset(symtab); at < elf.offset(symtab) + elf.size(symtab); at += 24) {
            int nameAt = (int) (elf.offset(strtab) + b.getInt((int) at));
            if (java.util.Arrays.equals(data, nameAt, nameAt + name.length, name, 0, name.length)) {
                b.putLong((int) at + 8, 1 << 20); // st_value, far past the section's end
                patched++;
            }
        }
        assertEquals(1, patched);
        Map<String, Long> after = crcs(ModuleSummary.parse("m.ko", data).exports());
        Map<String, Long> want = new LinkedHashMap<>(before);
        want.put("mk_gpl_mul", -1L); // (third in the table: the two before it are widened)
        assertEquals(want, after);
    }

    private static Map<String, Long> crcs(List<ModuleSummary.Symbol> symbols) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (ModuleSummary.Symbol s : symbols) {
            m.put(s.name(), s.crc());
        }
        return m;
    }

    @Test
    void exportAndNeededCrcsAreTheBuildsUnsignedWords() throws IOException {
        Map<String, Long> symvers = symvers();
        int checked = 0, highBit = 0;
        for (String m : List.of("net/netfilter/nfnetlink.ko", "net/netfilter/nf_conntrack_snmp.ko",
                "net/netfilter/nf_conntrack_broadcast.ko")) {
            ModuleSummary s = ModuleSummary.read(CORPUS.resolve("kernel").resolve(m));
            for (List<ModuleSummary.Symbol> list : List.of(s.exports(), s.needs())) {
                for (ModuleSummary.Symbol sym : list) {
                    Long want = symvers.get(sym.name());
                    if (want == null) {
                        continue;
                    }
                    assertEquals(want.longValue(), sym.crc(), m + " " + sym.name());
                    assertFalse(sym.weak(), m + " " + sym.name());
                    checked++;
                    if (sym.crc() >= 0x8000_0000L) {
                        highBit++;
                    }
                }
            }
        }
        assertTrue(checked > 50, "symbols checked: " + checked);
        assertTrue(highBit > 5, "CRCs with the top bit set: " + highBit);
    }
}
