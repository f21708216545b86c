package modkit.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
