package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import modkit.cli.Modkit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * insmod's parameters land in the module's memory: the {@code -O} image is read back with a small ELF reader of
 * this test's own (section headers and .symtab only), and the bytes at each parameter variable's address must
 * hold the value given on the command line, in the variable's C type. Wrong values get the kernel's messages.
 */
class ParamsImageTest {
    @TempDir
    Path tmp;

    static final String[] ARGS = {"p_int=-7", "p_uint=0x10", "p_long=-5", "p_ulong=18446744073709551615",
        "p_short=-32768", "p_ushort=65535", "p_byte=0377", "p_bool=n", "p_invbool=n", "p_charp=hello world",
        "p_hexint=0xabc", "p-array=9,8", "p_string=short"};

    record Image(ByteBuffer file, Map<String, Long> symbols, long[][] sections) {
        /** The file offset holding virtual address {@code va}. */
        int offset(long va) {
            for (long[] s : sections) { // {addr (0 for NOBITS: no bytes in the file), offset, size}
                if (s[0] != 0 && va >= s[0] && va < s[0] + s[2]) {
                    return (int) (s[1] + va - s[0]);
                }
            }
            throw new AssertionError("address 0x" + Long.toHexString(va) + " is in no section of the image");
        }

        int at(String symbol) {
            Long v = symbols.get(symbol);
            assertTrue(v != null, "symbol " + symbol + " not in the image");
            return offset(v);
        }
    }

    static Image readElf64(Path path) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(0x28);
        int shentsize = b.getShort(0x3a) & 0xffff;
        int shnum = b.getShort(0x3c) & 0xffff;
        long[][] sections = new long[shnum][];
        int symtab = -1;
        for (int i = 0; i < shnum; i++) {
            int h = (int) (shoff + (long) i * shentsize);
            int type = b.getInt(h + 4);
            if (type == 2) {
                symtab = i;
            }
            // type 8 (NOBITS) has no bytes in the file
            sections[i] = new long[] {type == 8 ? 0 : b.getLong(h + 0x10), b.getLong(h + 0x18), b.getLong(h + 0x20),
                b.getInt(h + 0x28)};
        }
        Map<String, Long> symbols = new HashMap<>();
        long[] st = sections[symtab];
        long[] strtab = sections[(int) st[3]];
        for (long e = st[1] + 24; e + 24 <= st[1] + st[2]; e += 24) {
            int name = b.getInt((int) e);
            StringBuilder s = new StringBuilder();
            for (int c = (int) (strtab[1] + name); b.get(c) != 0; c++) {
                s.append((char) b.get(c));
            }
            symbols.put(s.toString(), b.getLong((int) e + 8));
        }
        return new Image(b, symbols, sections);
    }

    @Test
    void everyParameterTypeIsWrittenAtItsVariable() throws Exception {
        Path img = tmp.resolve("mk_params.elf");
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("insmod", "--root",
                tmp.resolve("state").toString(), "-n", "-O", img.toString(),
                TestPaths.testdata().resolve("objects/x86_64/mk_params.ko").toString()));
        cmd.addAll(java.util.List.of(ARGS));
        assertEquals(0, Modkit.run(cmd.toArray(String[]::new)));

        Image i = readElf64(img);
        ByteBuffer b = i.file();
        assertEquals(-7, b.getInt(i.at("p_int")));
        assertEquals(16, b.getInt(i.at("p_uint")));
        assertEquals(-5L, b.getLong(i.at("p_long")));
        assertEquals(-1L, b.getLong(i.at("p_ulong")));
        assertEquals(Short.MIN_VALUE, b.getShort(i.at("p_short")));
        assertEquals((short) 0xffff, b.getShort(i.at("p_ushort")));
        assertEquals((byte) 0xff, b.get(i.at("p_byte"))); // 0377: octal, as kstrtou8 with base 0 reads it
        assertEquals(0, b.get(i.at("p_bool")));
        // p_invbool lives in .bss: invbool=n stores true, so the image must carry .bss's bytes now.
        assertEquals(1, b.get(i.at("p_invbool")));
        assertEquals(0xabc, b.getInt(i.at("p_hexint")));
        assertEquals(9, b.getInt(i.at("p_array")));
        assertEquals(8, b.getInt(i.at("p_array") + 4));
        assertEquals(3, b.getInt(i.at("p_array") + 8)); // untouched third element keeps its initial value
        assertEquals(2, b.getInt(i.at("p_array_n")));
        byte[] str = new byte[6];
        b.get(i.at("p_string"), str);
        assertEquals("short\0", new String(str, StandardCharsets.US_ASCII));
        // charp points at a kernel-heap copy of the string: not module memory, so not in the image file; the
        // simulated kernel's memory view shows it after a real load.
        long charp = b.getLong(i.at("p_charp"));
        assertTrue(charp != 0 && charp != i.symbols().getOrDefault("p_charp", 0L), "charp not set");
    }

    @Test
    void charpAndAllValuesShowInSysfsView() {
        String root = tmp.resolve("state").toString();
        String[] cmd = new String[4 + ARGS.length];
        cmd[0] = "insmod";
        cmd[1] = "--root";
        cmd[2] = root;
        cmd[3] = TestPaths.testdata().resolve("objects/x86_64/mk_params.ko").toString();
        System.arraycopy(ARGS, 0, cmd, 4, ARGS.length);
        assertEquals(0, Modkit.run(cmd));
        assertEquals("p_array=9,8\np_bool=N\np_byte=255\np_charp=hello world\np_hexint=0x000abc\np_int=-7\n"
                + "p_invbool=N\np_long=-5\np_short=-32768\np_string=short\np_uint=16\np_ulong=18446744073709551615\n"
                + "p_ushort=65535\n", capture("sim", "params", "--root", root, "-a", "mk_params"));
    }

    @Test
    void wrongValuesGetTheKernelsMessages() {
        String root = tmp.resolve("state").toString();
        String ko = TestPaths.testdata().resolve("objects/x86_64/mk_params.ko").toString();
        assertEquals("insmod: error: " + ko + ": `abc' invalid for parameter `p_int' (int: not a number)\n",
                capture("insmod", "--root", root, ko, "p_int=abc"));
        assertEquals("insmod: error: " + ko + ": `256' invalid for parameter `p_byte' (byte: out of range for an unsigned 8-bit value)\n",
                capture("insmod", "--root", root, ko, "p_byte=256"));
        assertEquals("insmod: error: " + ko + ": `0123456789abcdef' too large for parameter `p_string' (string: at most 15 characters)\n",
                capture("insmod", "--root", root, ko, "p_string=0123456789abcdef"));
        assertEquals("insmod: error: " + ko + ": `1,2,3,4,5' invalid for parameter `p_array' (array of int: can only take 4 arguments)\n",
                capture("insmod", "--root", root, ko, "p_array=1,2,3,4,5"));
        assertEquals("insmod: error: " + ko + ": `' invalid for parameter `p_int' (int: needs a value)\n",
                capture("insmod", "--root", root, ko, "p_int"));
        // Unknown names are ignored with a warning (Linux 6.1), and the load goes on.
        assertEquals("insmod: kernel: mk_params: unknown parameter 'nosuch' ignored\n",
                capture("insmod", "--root", root, ko, "nosuch=1"));
        assertEquals("mk_params\n", capture("lsmod", "--root", root).lines().skip(1).map(l -> l.split(" ")[0] + "\n")
                .reduce("", String::concat));
    }

    /**
     * A charp value is copied into kernel heap (kmalloc), not module memory: the simulated kernel and the in-memory
     * one (insmod -n --kernel) put it at the same heap address, so their images agree.
     */
    @Test
    void charpCopiesLiveInTheKernelHeapOnEveryImageBackend() throws Exception {
        String ko = TestPaths.testdata().resolve("objects/x86_64/mk_params.ko").toString();
        Path profile = tmp.resolve("default.profile");
        modkit.kernel.ProfileFile.write(modkit.kernel.ProfileFile.embeddedDefault(), profile);
        String sim = capture("insmod", "-n", "--root", tmp.resolve("sim").toString(), "--map-json", "-", ko, "p_charp=hello");
        String memory = capture("insmod", "-n", "--kernel", profile.toString(), "--map-json", "-", ko, "p_charp=hello");
        assertTrue(sim.contains("{\"name\": \"kmalloc\", \"address\": \"0xffff888100000000\", \"size\": \"0x6\"}"), sim);
        assertEquals(sim.replaceAll("\"file\": \"[^\"]*\"", ""), memory.replaceAll("\"file\": \"[^\"]*\"", ""));
    }

    static String capture(String... args) {
        return InProcess.output(args);
    }
}
