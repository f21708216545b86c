package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import modkit.elf.ObjectFile;
import modkit.elf.RelocTable;
import modkit.elf.Section;
import modkit.elf.SymbolTable;
import modkit.insmod.Insmod;
import modkit.insmod.LinkOptions;
import modkit.insmod.LinkResult;
import modkit.insmod.LoadMap;
import modkit.kernel.KernelBackend;
import modkit.kernel.KernelProfile;
import modkit.kernel.KernelSymbol;
import modkit.kernel.MemoryKernel;
import modkit.kernel.ProfileFile;
import modkit.kernel.ProfileImport;
import org.junit.jupiter.api.Test;

/**
 * ia64 images checked through GNU objdump's eyes. GNU ld is no byte oracle for ia64 (it relaxes branches and builds
 * its own GOT and PLT), so {@code gen-ia64-objdump.py} records what {@code ia64-linux-gnu-objdump -b binary -m ia64}
 * reads in the raw bytes of every section modkit linked (golden/ia64/*.objdump.gz). This test links again, checks
 * that the recorded text still describes today's bytes (rerunning objdump when it is installed), then, for every
 * relocation of the object, reads the instruction or word objdump shows and checks that it reaches the symbol the
 * relocation names: branches through PLT stubs to the callee's code with the callee's gp, movl and addl immediates,
 * GOT slots, function descriptors. Symbol addresses come from the ELF symbol tables, the section addresses of the
 * map, the kernel's System.map and the kernel formula for gp, never from modkit's relocation code.
 */
class Ia64ObjdumpCheckTest {
    static final Path GOLDEN = TestPaths.testdata().resolve("golden/ia64");

    @Test
    void theSampleReachesEverySymbolItNames() throws Exception {
        KernelProfile profile = ProfileFile.read(TestPaths.testdata().resolve("profiles/ia64-test.profile"));
        World w = new World(profile, name -> codeFromProfile(profile, name), 0xa000000101e5ddc0L);
        try (KernelBackend k = new MemoryKernel(profile)) {
            LinkResult r = Insmod.load(TestPaths.testdata().resolve("objects/ia64/relocs.o"), k, LinkOptions.DEFAULT, true);
            w.add("relocs", r);
        }
        Counts c = w.checkAll();
        System.out.println("ia64 sample objdump check: " + c);
        assertEquals("48 relocations: 9 branches (8 through PLT stubs), 8 movl, 7 addl, 3 GOT entries, 11 descriptors,"
                + " 13 data words", c.toString(), "every relocation of relocs.o is checked");
    }

    @Test
    void everyCorpusModuleReachesEverySymbolItNames(@org.junit.jupiter.api.io.TempDir Path root) throws Exception {
        Path corpus = TestPaths.corpus("ia64-6.1");
        KernelProfile profile = ProfileImport.run(new ProfileImport.Request(corpus.resolve("System.map.gz"),
                corpus.resolve("Module.symvers.gz"), corpus.resolve("config"), "6.1.192", null, null));
        Map<String, Long> systemMap = readSystemMap(corpus.resolve("System.map.gz"));
        World w = new World(profile, systemMap::get, systemMap.get("__gp"));
        modkit.moddir.ModulesDep dep = modkit.moddir.ModulesDep.read(corpus.resolve("modules.dep"), corpus);
        // A simulated kernel, as gen-ia64-objdump.py uses: init memory is freed after each load and reused.
        try (KernelBackend k = modkit.kernel.SimulatedKernel.boot(root, profile)) {
            for (String m : dep.loadOrder()) {
                LinkResult r = Insmod.load(dep.path(m), k, LinkOptions.DEFAULT, false);
                w.add(r.image().name(), r);
            }
        }
        Counts c = w.checkAll();
        System.out.println("ia64-6.1 corpus objdump check (16 modules): " + c);
        assertEquals("6995 relocations: 3118 branches (2621 through PLT stubs), 945 movl, 301 addl, 88 GOT entries,"
                + " 497 descriptors, 2061 data words", c.toString(), "every relocation of the 16 modules is checked");
    }

    /** Reruns objdump on today's bytes of a section, when it is installed, and compares with the recorded text. */
    static void assertSameTextWhenObjdumpIsInstalled(String module, LinkResult.PlacedSection s, byte[] now, Dump d)
            throws IOException, InterruptedException {
        if (!OBJDUMP) {
            return;
        }
        Path raw = Files.createTempFile("modkit-ia64-", ".bin");
        try {
            Files.write(raw, now);
            Process p = new ProcessBuilder("ia64-linux-gnu-objdump", "-b", "binary", "-m", "ia64",
                    d.kind.get(s.name()).equals("code") ? "-D" : "-s", "--adjust-vma=0x" + Long.toHexString(s.address()),
                    raw.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            StringBuilder kept = new StringBuilder();
            for (String l : out.split("\n")) {
                if (l.matches("^ ?[0-9a-f]+[: ].*")) {
                    kept.append(l).append('\n');
                }
            }
            assertEquals(d.text.get(s.name()), kept.toString(), module + ": " + s.name() + ": live objdump differs from the recorded text");
            LIVE_RUNS.incrementAndGet();
        } finally {
            Files.delete(raw);
        }
    }

    static final java.util.concurrent.atomic.AtomicInteger LIVE_RUNS = new java.util.concurrent.atomic.AtomicInteger();
    static final boolean OBJDUMP = java.util.stream.Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, "ia64-linux-gnu-objdump")));

    static long codeFromProfile(KernelProfile p, String name) {
        KernelSymbol s = p.symbols().get(name);
        long[] d = s == null ? null : p.symbols().descriptors().get(s.address());
        return d == null ? (s == null ? 0 : s.address()) : d[0];
    }

    static Map<String, Long> readSystemMap(Path p) throws IOException {
        Map<String, Long> out = new HashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            for (String line : new String(in.readAllBytes()).split("\n")) {
                String[] f = line.split(" ");
                if (f.length == 3) {
                    out.putIfAbsent(f[2], Long.parseUnsignedLong(f[0], 16));
                }
            }
        }
        return out;
    }

    static final class Counts {
        int relocations, branches, stubs, movl, addl, got, descriptors, words;

        @Override
        public String toString() {
            return relocations + " relocations: " + branches + " branches (" + stubs + " through PLT stubs), " + movl
                    + " movl, " + addl + " addl, " + got + " GOT entries, " + descriptors + " descriptors, " + words + " data words";
        }
    }

    /** What objdump printed for one module: instruction text by bundle + slot, and the bytes of every section. */
    static final class Dump {
        final Map<Long, String> slotText = new HashMap<>();
        final Map<String, long[]> sections = new LinkedHashMap<>(); // name -> {address, size}
        final Map<String, byte[]> bytes = new HashMap<>();
        final Map<String, String> text = new LinkedHashMap<>(); // section -> objdump lines
        final Map<String, String> kind = new HashMap<>(); // section -> "code" or "data"

        static final Pattern INSN = Pattern.compile("^([0-9a-f]+):\\t((?:[0-9a-f]{2} )+)\\s*\\t?(.*)$");

        Dump(Path file) throws IOException {
            String name = null;
            StringBuilder cur = null;
            int row = 0;
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                for (String line : new String(in.readAllBytes()).split("\n")) {
                    if (line.startsWith("# section ")) {
                        String[] f = line.split(" ");
                        name = f[2];
                        long addr = Long.parseUnsignedLong(f[3].substring(2), 16);
                        int size = Integer.parseInt(f[4].substring(2), 16);
                        sections.put(name, new long[] {addr, size});
                        kind.put(name, f[5]);
                        bytes.put(name, new byte[size]);
                        cur = new StringBuilder();
                        text.put(name, "");
                        row = 0;
                        continue;
                    }
                    text.put(name, text.get(name) + line + "\n");
                    long base = sections.get(name)[0];
                    byte[] b = bytes.get(name);
                    Matcher m = INSN.matcher(line);
                    if (m.matches()) {
                        long at = Long.parseUnsignedLong(m.group(1), 16);
                        String[] hex = m.group(2).trim().split(" ");
                        for (int i = 0; i < hex.length; i++) {
                            b[(int) (at - base) + i] = (byte) Integer.parseInt(hex[i], 16);
                        }
                        long bundle = at & ~0xfL;
                        int slot = (int) (at - bundle) / 6;
                        String t = m.group(3).replaceFirst("^\\[[A-Z]+\\]", "").trim();
                        if (!t.isEmpty()) {
                            slotText.put(bundle + slot, t);
                        }
                    } else if (line.startsWith(" ")) { // -s row: " 0220 01020304 05060708 ...  ascii"
                        int sp = line.indexOf(' ', 1);
                        long low = Long.parseLong(line.substring(1, sp), 16);
                        long at = base + 16L * row++;
                        int digits = sp - 1;
                        assertEquals(at & ((1L << (4 * digits)) - 1), low, file + ": row address " + line);
                        String rest = line.substring(sp + 1);
                        for (int g = 0; g < 4 && g * 9 < rest.length(); g++) {
                            String chunk = rest.substring(g * 9, Math.min(g * 9 + 8, rest.length())).trim();
                            for (int i = 0; i + 1 < chunk.length(); i += 2) {
                                b[(int) (at - base) + g * 4 + i / 2] = (byte) Integer.parseInt(chunk.substring(i, i + 2), 16);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Every module linked so far, with its objdump reading, and the kernel around them. */
    static final class World {
        final KernelProfile profile;
        final java.util.function.Function<String, Long> kernelCode;
        final long kernelGp;
        final Map<String, LinkResult> results = new LinkedHashMap<>();
        final Map<String, Dump> dumps = new LinkedHashMap<>();
        final TreeMap<Long, byte[]> memory = new TreeMap<>(Long::compareUnsigned);
        final Map<String, String> exporterOf = new HashMap<>(); // symbol -> module

        World(KernelProfile profile, java.util.function.Function<String, Long> kernelCode, long kernelGp) {
            this.profile = profile;
            this.kernelCode = kernelCode;
            this.kernelGp = kernelGp;
        }

        void add(String name, LinkResult r) throws IOException, InterruptedException {
            Path golden = GOLDEN.resolve(name + ".objdump.gz");
            assertEquals(Files.readString(GOLDEN.resolve(name + ".map.json")).replaceAll("\"file\": \".*\"", ""),
                    LoadMap.json(r).replaceAll("\"file\": \".*\"", ""),
                    name + ": modkit places or builds differently than when golden/ia64 was made: rerun testdata/gen-ia64-objdump.py and review");
            Dump d = new Dump(golden);
            for (LinkResult.PlacedSection s : r.sections()) {
                if (d.sections.containsKey(s.name())) {
                    byte[] now = r.sectionBytes(s);
                    assertTrue(java.util.Arrays.equals(now, d.bytes.get(s.name())),
                            name + ": " + s.name() + " bytes differ from the ones objdump read: rerun testdata/gen-ia64-objdump.py");
                    memory.put(s.address(), now);
                    assertSameTextWhenObjdumpIsInstalled(name, s, now, d);
                }
            }
            results.put(name, r);
            dumps.put(name, d);
            ObjectFile obj = r.object();
            SymbolTable st = obj.symbols();
            for (var e : obj.exports()) {
                exporterOf.put(e.name(), name);
            }
        }

        long read64(long a) {
            Map.Entry<Long, byte[]> e = memory.floorEntry(a);
            if (e != null && Long.compareUnsigned(a - e.getKey() + 8, e.getValue().length) <= 0) {
                return ByteBuffer.wrap(e.getValue()).order(ByteOrder.LITTLE_ENDIAN).getLong((int) (a - e.getKey()));
            }
            long[] d = profile.symbols().descriptors().get(a);
            if (d != null) {
                return d[0];
            }
            d = profile.symbols().descriptors().get(a - 8);
            if (d != null) {
                return d[1];
            }
            throw new AssertionError("no memory at 0x" + Long.toHexString(a));
        }

        Counts checkAll() {
            Counts c = new Counts();
            for (String m : results.keySet()) {
                new Ia64ModuleCheck(this, m, c).run();
            }
            System.out.println("objdump " + (OBJDUMP ? "rerun live on " + LIVE_RUNS.get() + " sections" : "not installed: recorded text used"));
            return c;
        }
    }
}
