package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modprobe --show-depends} over the amd64 corpus prints, for every module kmod was asked about, exactly
 * what kmod 30 printed (expected-kmod/show-depends/NAME.txt, made with -C /dev/null -d BASE): dependency order,
 * softdeps (uhci_hcd's pre: ehci_pci brings usbcore twice), built-in softdeps (act_mpls), the trailing space.
 */
class ModprobeShowDependsTest {
    @TempDir
    Path tmp;

    @Test
    void everyCorpusModuleMatchesKmod() throws IOException {
        Path base = tmp.resolve("base");
        ModprobeFixture.corpusTree(base);
        Path expectedDir = TestPaths.corpus("amd64-6.1").resolve("expected-kmod/show-depends");
        List<Path> expected;
        try (Stream<Path> files = Files.list(expectedDir)) {
            expected = files.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertEquals(15, expected.size(), "the corpus has 15 show-depends files");
        for (Path e : expected) {
            String name = e.getFileName().toString().replace(".txt", "");
            ModprobeFixture.Run r = ModprobeFixture.modprobe(tmp.resolve("state"), base, "-C", "/dev/null",
                    "--show-depends", name);
            assertEquals(0, r.exit(), name + ": " + r.err());
            assertEquals(Files.readString(e), r.out().replace(base.toString(), "BASEDIR"), name);
        }
    }

    @Test
    void jsonCarriesTheSameActionsWithTheirRoles() {
        Path base = tmp.resolve("base");
        ModprobeFixture.corpusTree(base);
        ModprobeFixture.Run r = ModprobeFixture.modprobe(tmp.resolve("state"), base, "-C", "/dev/null",
                "--show-depends", "--json", "act_mpls");
        assertEquals(0, r.exit(), r.err());
        String dir = base + "/lib/modules/6.1.0-56-amd64";
        assertEquals("{\"query\": \"act_mpls\", \"actions\": [\n"
                + "  {\"action\": \"insmod\", \"module\": \"act_mpls\", \"role\": \"target\", \"path\": \"" + dir
                + "/kernel/net/sched/act_mpls.ko\", \"options\": \"\"},\n"
                + "  {\"action\": \"builtin\", \"module\": \"mpls_gso\", \"role\": \"post\"}\n"
                + "]}\n", r.out());
    }

    @Test
    void graphDrawsDirectDependenciesSolidAndSoftdepsDashed() {
        Path base = tmp.resolve("base");
        ModprobeFixture.corpusTree(base);
        ModprobeFixture.Run r = ModprobeFixture.modprobe(tmp.resolve("state"), base, "-C", "/dev/null", "--graph",
                "uhci_hcd");
        assertEquals(0, r.exit(), r.err());
        String dot = r.out();
        assertTrue(dot.startsWith("digraph \"uhci_hcd\" {\n"), dot);
        assertTrue(dot.contains("  \"uhci_hcd\" -> \"usbcore\";\n"), dot);
        // usb-common is needed through usbcore: no direct edge from uhci_hcd.
        assertTrue(!dot.contains("\"uhci_hcd\" -> \"usb_common\""), dot);
        assertTrue(dot.contains("  \"usbcore\" -> \"usb_common\";\n"), dot);
        assertTrue(dot.contains("  \"uhci_hcd\" -> \"ehci_pci\" [style=dashed, label=\"pre\"];\n"), dot);
        assertTrue(dot.contains("  \"ehci_pci\" -> \"ehci_hcd\";\n"), dot);
        assertTrue(dot.endsWith("}\n"), dot);
    }
}
