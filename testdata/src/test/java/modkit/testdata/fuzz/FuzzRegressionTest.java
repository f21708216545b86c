package modkit.testdata.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import modkit.elf.ElfFormatException;
import modkit.elf.ModkitException;
import modkit.elf.ObjectFile;
import modkit.insmod.Insmod;
import modkit.insmod.LinkOptions;
import modkit.insmod.LinkResult;
import modkit.kernel.ImageMemory;
import modkit.kernel.KernelProfile;
import modkit.kernel.MemoryKernel;
import modkit.kernel.ModuleParam;
import modkit.kernel.ParamTypes;
import modkit.kernel.ProfileFile;
import modkit.testdata.InProcess;
import modkit.testdata.TestPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each crash the fuzzers found, as the smallest edit of a real module that makes it, and the parameter views of
 * real modules whose parameters have ops of their own (issue 14: {@code sim params loop} exited 70).
 */
class FuzzRegressionTest {
    @TempDir
    Path tmp;

    static byte[] mkParams() throws Exception {
        return Files.readAllBytes(TestPaths.testdata().resolve("objects/x86_64/mk_params.ko"));
    }

    /** The section header of section {@code i} of an ELF64 little-endian file. */
    static int shdr(ByteBuffer b, int i) {
        return (int) (b.getLong(0x28) + (long) i * (b.getShort(0x3a) & 0xffff));
    }

    /**
     * testdata/fuzz-regressions/TARGET/*: inputs the fuzzers found crashing TARGET (kept as found: a few KB each),
     * each now refused with a ModkitException or accepted.
     */
    @Test
    void everySavedCrashIsNowRefusedCleanly() throws Exception {
        Path dir = TestPaths.testdata().resolve("fuzz-regressions");
        int n = 0;
        try (var targets = Files.list(dir)) {
            for (Path t : targets.filter(Files::isDirectory).sorted().toList()) {
                Fuzzer f = new Fuzzer(Targets.byName(t.getFileName().toString()), 0, null);
                try (var inputs = Files.list(t)) {
                    for (Path in : inputs.sorted().toList()) {
                        Fuzzer.Finding r = f.one(Files.readAllBytes(in));
                        assertTrue(r == null || r.kind().equals("refused"), in + ": " + (r == null ? "" : r.summary()));
                        n++;
                    }
                }
            }
        }
        assertTrue(n >= 2, "the saved inputs are there: " + n);
    }

    @Test
    void sectionNameTableOfTypeNullPastTheEndIsAFormatError() throws Exception {
        // Found by "param-views": checkBounds skips SHT_NULL sections, so the name table's offset went unchecked.
        byte[] m = mkParams();
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
        int names = shdr(b, b.getShort(0x3e) & 0xffff);
        b.putInt(names + 4, 0); // sh_type SHT_NULL
        b.putLong(names + 0x18, 0x7fff_0000L); // sh_offset far past the end
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> ObjectFile.parse("bad.ko", m));
        assertTrue(e.getMessage().startsWith("bad.ko: "), e.getMessage());
        assertTrue(e.getMessage().contains("runs past the end of the file"), e.getMessage());
    }

    @Test
    void symbolInAReservedSectionIndexIsAFormatError() throws Exception {
        // Found by "link": st_shndx 0xff05 (in SHN_LORESERVE..SHN_HIRESERVE, none the kernel knows) was used as an index.
        byte[] m = mkParams();
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
        ObjectFile o = ObjectFile.parse("mk_params.ko", m);
        var st = o.symbols();
        int sym = -1;
        for (int i = 1; i < st.count() && sym < 0; i++) {
            if (st.shndx(i) > 0 && st.shndx(i) < o.sectionCount() && st.type(i) == 1) { // a defined STT_OBJECT
                sym = i;
            }
        }
        assertTrue(sym > 0, "mk_params.ko has a data symbol");
        b.putShort((int) (st.section().offset() + 24L * sym + 6), (short) 0xff05);
        try (MemoryKernel k = new MemoryKernel(ProfileFile.embeddedDefault())) {
            ModkitException e = assertThrows(ModkitException.class,
                    () -> Insmod.run(ObjectFile.parse("bad.ko", m), k, LinkOptions.DEFAULT, true, w -> { }));
            assertEquals("bad.ko: section index 65285 (0xff05) is past the section table (" + o.sectionCount() + " sections)",
                    e.getMessage());
        }
    }

    @Test
    void loopsParametersWithTheirOwnOpsAreShownAsCustom() {
        // loop.ko: max_loop and hw_queue_depth are module_param_cb with loop's own kernel_param_ops (no parmtype),
        // int variables initialised to 8 (CONFIG_BLK_DEV_LOOP_MIN_COUNT) and 128 (LOOP_DEFAULT_HW_Q_DEPTH).
        Path loop = TestPaths.corpus("amd64-6.1").resolve("kernel/drivers/block/loop.ko");
        String root = tmp.resolve("root").toString();
        assertEquals("", InProcess.run(List.of("sim", "boot", "--root", root)).replaceAll("(?m)^(?!.*\\[exit).*\n", ""));
        InProcess.run(List.of("insmod", "--root", root, loop.toString(), "max_part=3"));
        assertEquals("hw_queue_depth=custom (variable holds 128)\nmax_loop=custom (variable holds 8)\nmax_part=3\n",
                InProcess.run(List.of("sim", "params", "--root", root, "loop")));
        String json = InProcess.run(List.of("params", "--root", root, "--json", "loop"));
        assertTrue(json.contains("\"max_loop\": \"custom (variable holds 8)\""), json);
        assertTrue(!json.contains("[exit"), json);
    }

    @Test
    void hdaIntelsBintAndOwnTypeParameters() throws Exception {
        // snd-hda-intel: snoop, enable_msi, single_cmd, align_buffer_size are bint arrays or ints defaulting to -1
        // (param_get_int prints them); power_save is "xint", a type whose ops hda_intel.c defines itself.
        Path hda = TestPaths.corpus("amd64-6.1").resolve("kernel/sound/pci/hda/snd-hda-intel.ko");
        byte[] m = Files.readAllBytes(hda);
        KernelProfile profile = Targets.kernelFor(m);
        LinkResult r;
        try (MemoryKernel k = new MemoryKernel(profile)) {
            r = Insmod.run(ObjectFile.parse(hda.toString(), m), k, new LinkOptions(false, false, "snoop=0 single_cmd=y"),
                    true, w -> { }).link();
        }
        ImageMemory mem = ImageMemory.of(r.image().regions(), profile);
        Map<String, String> shown = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (ModuleParam p : r.image().parameters()) {
            shown.put(p.name(), ParamTypes.show(mem, p));
            types.put(p.name(), p.type());
        }
        assertEquals("bint", types.get("snoop"));
        assertEquals("0", shown.get("snoop"), "snoop=0 set as a bool into an int");
        assertEquals("1", shown.get("single_cmd"), "single_cmd=y");
        assertEquals("-1", shown.get("enable_msi"), "bint default -1, printed by param_get_int");
        assertEquals("-1", shown.get("align_buffer_size"));
        assertEquals("xint", types.get("power_save"));
        assertTrue(shown.get("power_save").startsWith("custom (variable holds "), shown.get("power_save"));
        try (MemoryKernel k = new MemoryKernel(profile)) {
            ModkitException e = assertThrows(ModkitException.class, () -> Insmod.run(ObjectFile.parse(hda.toString(), m), k,
                    new LinkOptions(false, false, "power_save=5"), true, w -> { }));
            assertTrue(e.getMessage().contains("type xint has the module's own set function"), e.getMessage());
        }
    }
}
