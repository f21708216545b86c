package modkit.depmod;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated tree of 1,000 modules (see {@link SyntheticTree}) indexed by kmod's depmod and by ours: every file
 * must be byte-identical, and so must {@code -n} and the {@code -e} reports. Also: dependency cycles, gzip
 * modules (which the installed kmod may not read), and {@code --json}.
 */
class DepmodSyntheticTest {
    static final String V = SyntheticTree.VERSION;

    @TempDir
    Path tmp;

    @Test
    void everyFileMatchesKmodsOnAThousandModules() throws IOException {
        Kmod.assumeInstalled();
        Path kmodRoot = tmp.resolve("kmod");
        Path ourRoot = tmp.resolve("ours");
        SyntheticTree.write(kmodRoot, 1000, 42, true);
        Trees.copy(kmodRoot, ourRoot);
        Kmod.Run k = Kmod.run("depmod", List.of("-C", Kmod.emptyConfig().toString(), "-b", kmodRoot.toString(), V));
        assertEquals(0, k.exit(), k.stderr());
        Kmod.Run o = Ours.depmod("-b", ourRoot.toString(), V);
        assertEquals(k.stderr(), o.stderr());
        assertEquals(0, o.exit());
        for (String f : Trees.KMOD30_FILES) {
            byte[] expected = Files.readAllBytes(kmodRoot.resolve("lib/modules/" + V + "/" + f));
            assertArrayEquals(expected, Files.readAllBytes(ourRoot.resolve("lib/modules/" + V + "/" + f)), f);
        }
        assertTrue(Files.readString(ourRoot.resolve("lib/modules/" + V + "/modules.dep")).lines().count() == 1000);
    }

    @Test
    void errsymsReportsMatchKmods() throws IOException {
        Kmod.assumeInstalled();
        Path root = tmp.resolve("t");
        SyntheticTree.write(root, 400, 7, true);
        // printk and kmalloc are not kernel exports here, so modules needing them are reported; kfree's CRC
        // matches the modules' (0x77), mutex_lock's does not.
        Path map = tmp.resolve("System.map");
        Files.writeString(map, "ffffffff81000000 T _stext\nffffffff82000000 r __ksymtab_kfree\n"
                + "ffffffff82000010 r __ksymtab_mutex_lock\nffffffff82000020 r __ksymtab_mutex_unlock\n"
                + "ffffffff82000030 r __ksymtab___fentry__\n");
        Path symvers = tmp.resolve("Module.symvers");
        Files.writeString(symvers, "0x00000077\tkfree\tvmlinux\tEXPORT_SYMBOL\t\n"
                + "0x12345678\tmutex_lock\tvmlinux\tEXPORT_SYMBOL\t\n0x00001000\t__fentry__\tvmlinux\tEXPORT_SYMBOL\t\n"
                + "0x00000001\tother\tsome/module\tEXPORT_SYMBOL_GPL\t\n");
        List<List<String>> variants = List.of(List.of("-e", "-F", map.toString()),
                List.of("-e", "-E", symvers.toString()), List.of("-e"), List.of());
        for (List<String> extra : variants) {
            List<String> args = new java.util.ArrayList<>(List.of("-n", "-b", root.toString()));
            args.addAll(extra);
            args.add(V);
            List<String> kargs = new java.util.ArrayList<>(List.of("-C", Kmod.emptyConfig().toString()));
            kargs.addAll(args);
            Kmod.Run k = Kmod.run("depmod", kargs);
            Kmod.Run o = Ours.depmod(args.toArray(String[]::new));
            assertEquals(k.exit(), o.exit(), extra.toString());
            assertEquals(k.stderr(), o.stderr(), extra.toString());
            assertEquals(k.out(), Trees.withoutWeakdeps(o.out()), extra.toString());
            if (extra.size() > 1) {
                assertTrue(o.stderr().contains("needs unknown symbol printk"), o.stderr());
            }
        }
        assertFalse(Files.exists(root.resolve("lib/modules/" + V + "/modules.dep")), "-n must not write");
    }

    @Test
    void cyclesAreReportedAsKmodReportsThemAndNothingIsWritten() throws IOException {
        Path root = tmp.resolve("cyc");
        Path dir = SyntheticTree.writeCycles(root);
        Kmod.Run o = Ours.depmod("-b", root.toString(), V);
        assertEquals(1, o.exit());
        assertEquals("""
                depmod: ERROR: Cycle detected: cyc_a -> cyc_b -> cyc_c -> cyc_a
                depmod: ERROR: Cycle detected: cyc_x -> cyc_y -> cyc_x
                depmod: ERROR: Found 5 modules in dependency cycles!
                """, o.stderr());
        assertFalse(Files.exists(dir.resolve("modules.dep")));
        if (Files.isExecutable(Kmod.KMOD)) {
            Kmod.Run k = Kmod.run("depmod", List.of("-C", Kmod.emptyConfig().toString(), "-b", root.toString(), V));
            assertEquals(k.exit(), o.exit());
            assertEquals(k.stderr(), o.stderr());
            // without modules.order the module order, and so where each cycle is entered, is kmod's hash order
            Files.delete(dir.resolve("modules.order"));
            k = Kmod.run("depmod", List.of("-C", Kmod.emptyConfig().toString(), "-b", root.toString(), V));
            o = Ours.depmod("-b", root.toString(), V);
            assertEquals(k.stderr(), o.stderr());
            assertEquals(k.exit(), o.exit());
        }
    }

    @Test
    void gzipModulesAreIndexedLikeTheirUncompressedSelves() throws IOException {
        Kmod.assumeInstalled(); // the reference is kmod on the uncompressed tree (this kmod may lack zlib)
        Path plain = tmp.resolve("plain");
        Path gz = tmp.resolve("gz");
        Path dir = SyntheticTree.write(plain, 120, 3, false);
        Trees.copy(plain, gz);
        Path gzDir = gz.resolve("lib/modules/" + V);
        List<Path> modules;
        try (var s = Files.walk(gzDir)) {
            modules = s.filter(p -> p.toString().endsWith(".ko")).sorted().toList();
        }
        for (int i = 0; i < modules.size(); i += 3) {
            Path m = modules.get(i);
            try (var out = new GZIPOutputStream(Files.newOutputStream(Path.of(m + ".gz")))) {
                out.write(Files.readAllBytes(m));
            }
            Files.delete(m);
        }
        Kmod.Run k = Kmod.run("depmod", List.of("-C", Kmod.emptyConfig().toString(), "-b", plain.toString(), V));
        assertEquals(0, k.exit(), k.stderr());
        Kmod.Run o = Ours.depmod("-b", gz.toString(), V);
        assertEquals(0, o.exit(), o.stderr());
        String expected = Files.readString(dir.resolve("modules.dep"));
        for (int i = 0; i < modules.size(); i += 3) {
            String rel = gzDir.relativize(modules.get(i)).toString();
            expected = expected.replace(rel + ":", rel + ".gz:").replace(" " + rel + " ", " " + rel + ".gz ")
                    .replace(" " + rel + "\n", " " + rel + ".gz\n");
        }
        assertEquals(expected, Files.readString(gzDir.resolve("modules.dep")));
        for (String f : List.of("modules.alias", "modules.symbols", "modules.softdep", "modules.devname")) {
            assertEquals(Files.readString(dir.resolve(f)), Files.readString(gzDir.resolve(f)), f);
        }
    }

    @Test
    void jsonListsWhatTheTextFilesSay() throws IOException {
        Path root = tmp.resolve("j");
        SyntheticTree.write(root, 100, 5, false);
        Kmod.Run text = Ours.depmod("-n", "-b", root.toString(), V);
        Kmod.Run json = Ours.depmod("-n", "--json", "-b", root.toString(), V);
        assertEquals(0, json.exit(), json.stderr());
        String j = json.out();
        String firstDep = text.out().lines().findFirst().orElseThrow();
        String module = firstDep.substring(0, firstDep.indexOf(':'));
        assertTrue(j.contains("\"module\": \"" + module + "\""), j);
        String out = text.out();
        String aliasPart = out.substring(out.indexOf("# Aliases extracted"), out.indexOf("# Soft dependencies"));
        String symbolPart = out.substring(out.indexOf("# Aliases for symbols"));
        long aliases = aliasPart.lines().filter(l -> l.startsWith("alias ")).count();
        assertEquals(aliases, j.lines().filter(l -> l.contains("\"alias\": ")).count());
        long symbols = symbolPart.lines().filter(l -> l.startsWith("alias symbol:")).count();
        assertEquals(symbols, j.lines().filter(l -> l.contains("\"symbol\": ")).count());
        assertTrue(j.contains("\"devname\": \"syn/dev0\""), j);
        assertTrue(j.contains("\"softdep\": \"pre: syn_00016 post: syn_00015\""), j);
        assertEquals('{', j.charAt(0));
        assertFalse(Files.exists(root.resolve("lib/modules/" + V + "/modules.dep")));
        assertTrue(new String(text.stdout(), StandardCharsets.ISO_8859_1).startsWith(module));
    }
}
