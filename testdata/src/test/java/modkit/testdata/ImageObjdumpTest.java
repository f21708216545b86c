package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import modkit.cli.Modkit;
import modkit.kernel.KernelProfile;
import modkit.kernel.KernelSymbol;
import modkit.kernel.ProfileFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code insmod -O} writes an image that GNU objdump reads: every direct call or jump (rel32, opcode e8/e9) that
 * leaves the module must land exactly on the kernel symbol objdump names, at the address System.map gives it
 * (the embedded profile), or on the exporting module's symbol for mk_importer. objdump decodes the bytes, so a
 * wrong displacement shows up as a wrong target or as "name+0x..".
 */
class ImageObjdumpTest {
    private static final Pattern BRANCH =
            Pattern.compile("^\\s*([0-9a-f]+):\\s+(e8|e9)(?: [0-9a-f]{2}){4}\\s+(call|jmp)\\s+([0-9a-f]+) <([^>]+)>");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mk_params", "mk_exporter", "mk_importer", "mk_jumptable", "mk_strings", "mk_failinit"})
    void externalBranchesLandOnTheirSymbols(String name, @TempDir Path tmp) throws Exception {
        assumeTrue(onPath("objdump"), "GNU objdump (binutils) is not installed");
        Path td = TestPaths.testdata();
        Path root = tmp.resolve("root");
        Map<String, Long> targets = new HashMap<>();
        KernelProfile profile = ProfileFile.embeddedDefault();
        for (KernelSymbol s : profile.symbols().all()) {
            targets.put(s.name(), s.address());
        }
        if (name.equals("mk_importer")) {
            Path exporterImage = tmp.resolve("exporter.elf");
            assertEquals(0, Modkit.run("insmod", "--root", root.toString(), "-O", exporterImage.toString(),
                    td.resolve("objects/x86_64/mk_exporter.ko").toString()));
            targets.putAll(globalSymbols(exporterImage));
        }
        Path image = tmp.resolve(name + ".elf");
        assertEquals(0, Modkit.run("insmod", "--root", root.toString(), "-n", "-O", image.toString(),
                td.resolve("objects/x86_64/" + name + ".ko").toString()));

        String disassembly = run("objdump", "-d", "-w", image.toString());
        int external = 0;
        List<String> wrong = new ArrayList<>();
        for (String line : disassembly.split("\n")) {
            Matcher m = BRANCH.matcher(line);
            if (!m.find()) {
                continue;
            }
            long target = Long.parseUnsignedLong(m.group(4), 16);
            String label = m.group(5);
            if (target >>> 32 == 0xffffffffL && target < 0xffffffffc0000000L) { // below the module area: the kernel
                external++;
                Long want = targets.get(label);
                if (label.contains("+") || want == null || want != target) {
                    wrong.add(line.trim() + "   (expected " + label + " at " + (want == null ? "?" : Long.toHexString(want)) + ")");
                }
            } else if (name.equals("mk_importer") && targets.containsKey(label) && !label.contains("+")) {
                external++;
                if (targets.get(label) != target) {
                    wrong.add(line.trim());
                }
            }
        }
        System.out.printf("%s: %d external branches checked%n", name, external);
        assertTrue(external > 0, "no external branch found in " + name + ": is objdump reading the image?");
        assertEquals(List.of(), wrong);
    }

    /** STT_FUNC/OBJECT globals of an image, from {@code objdump -t}. */
    private static Map<String, Long> globalSymbols(Path image) throws IOException, InterruptedException {
        Map<String, Long> out = new HashMap<>();
        for (String line : run("objdump", "-t", image.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6 && f[1].equals("g")) {
                out.put(f[f.length - 1], Long.parseUnsignedLong(f[0], 16));
            }
        }
        return out;
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), () -> String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }
}
