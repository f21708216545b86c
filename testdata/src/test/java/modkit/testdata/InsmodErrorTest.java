package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import modkit.cli.Modkit;
import modkit.elf.ObjectFile;
import modkit.elf.Section;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input through the real command: each case prints exactly one error line (and maybe a hint), exits 1, and
 * leaves the simulated kernel's state file byte for byte as it was.
 */
class InsmodErrorTest {
    @TempDir
    Path tmp;

    Path root;
    Path td = TestPaths.testdata();

    @BeforeEach
    void bootWithOneModuleLoaded() {
        root = tmp.resolve("state");
        assertEquals(0, Modkit.run("sim", "boot", "--root", root.toString()));
        assertEquals(0, Modkit.run("insmod", "--root", root.toString(), td.resolve("objects/x86_64/mk_exporter.ko").toString()));
    }

    record Outcome(int exit, String stderr) {
        String firstLine() {
            return stderr.lines().findFirst().orElse("");
        }
    }

    Outcome insmod(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "insmod";
        full[1] = "--root";
        full[2] = root.toString();
        System.arraycopy(args, 0, full, 3, args.length);
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Outcome(Modkit.run(full), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    /**
     * One error line, and the kernel as it was: only its taint may have grown, where the load failed after the
     * licence and signature checks had tainted it (the real kernel's taint stays; see taintOfALateFailureStays).
     */
    void assertRefused(String expectedLine, String... args) throws Exception {
        String before = KernelState.withoutTaint(root);
        Outcome o = insmod(args);
        assertEquals(1, o.exit(), o.stderr());
        assertEquals(expectedLine, o.firstLine());
        assertEquals(1, o.stderr().lines().filter(l -> !l.startsWith("  hint: ")).count(), "one error line: " + o.stderr());
        assertEquals(before, KernelState.withoutTaint(root), "a failed insmod must not change the kernel state");
    }

    Path copy(String object, String name) throws IOException {
        Path p = tmp.resolve(name);
        Files.copy(td.resolve(object), p);
        return p;
    }

    @Test
    void truncatedHeader() throws Exception {
        Path p = tmp.resolve("trunc.ko");
        Files.write(p, Arrays.copyOf(Files.readAllBytes(td.resolve("objects/x86_64/mk_params.ko")), 40));
        String taint = KernelState.taints(root);
        assertRefused("insmod: error: " + p + ": Invalid ELF header len 40 (file truncated?)", p.toString());
        assertEquals(taint, KernelState.taints(root), "refused before the licence check: no new taint");
    }

    @Test
    void truncatedBeforeTheSectionHeaders() throws Exception {
        byte[] full = Files.readAllBytes(td.resolve("objects/x86_64/mk_params.ko"));
        long shoff = ByteBuffer.wrap(full).order(ByteOrder.LITTLE_ENDIAN).getLong(40);
        int shnum = ByteBuffer.wrap(full).order(ByteOrder.LITTLE_ENDIAN).getShort(60);
        Path p = tmp.resolve("trunc2.ko");
        Files.write(p, Arrays.copyOf(full, 3000));
        assertRefused("insmod: error: " + p + ": Invalid ELF section header overflow: e_shoff 0x" + Long.toHexString(shoff)
                + " + " + shnum + " headers runs past the end of the file (0xbb8 bytes)", p.toString());
    }

    @Test
    void wrongMachine() throws Exception {
        String f = td.resolve("objects/i386/relocs.o").toString();
        assertRefused("insmod: error: " + f + ": Invalid architecture in ELF header: 3 (EM_386, i386); the kernel 6.1.0-56-amd64 is x86_64", f);
    }

    @Test
    void badVermagic() throws Exception {
        Path p = copy("objects/x86_64/mk_params.ko", "vermagic.ko");
        byte[] b = Files.readAllBytes(p);
        String s = new String(b, StandardCharsets.ISO_8859_1);
        int at = s.indexOf("vermagic=6.1.0-56-amd64 SMP preempt mod_unload");
        b[at + "vermagic=6.1.0-56-amd64 SMP ".length()] = 'P'; // "Preempt"
        Files.write(p, b);
        assertRefused("insmod: error: " + p + ": version magic '6.1.0-56-amd64 SMP Preempt mod_unload modversions ' should be"
                + " '6.1.0-56-amd64 SMP preempt mod_unload modversions '", p.toString());
    }

    @Test
    void crcMismatch() throws Exception {
        Path p = copy("objects/x86_64/mk_params.ko", "crc.ko");
        ObjectFile obj = ObjectFile.read(p);
        Section versions = obj.allocSection("__versions");
        byte[] b = Files.readAllBytes(p);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int entry = -1;
        for (int i = 0; i < versions.size() / 64; i++) {
            int at = (int) versions.offset() + i * 64;
            if (new String(b, at + 8, 8, StandardCharsets.ISO_8859_1).equals("_printk\0")) {
                entry = at;
            }
        }
        long good = buf.getLong(entry);
        buf.putLong(entry, good ^ 0x1);
        Files.write(p, b);
        assertRefused("insmod: error: " + p + ": disagrees about version of 1 symbol: _printk (module 0x"
                + Long.toHexString(good ^ 1) + ", kernel 0x" + Long.toHexString(good) + ")", p.toString());
    }

    @Test
    void unknownRelocationType() throws Exception {
        bootTestKernel();
        String f = td.resolve("objects/x86_64/bad-gotpcrel.o").toString();
        assertRefused("insmod: error: " + f + ":(.text+0x3): unknown relocation R_X86_64_REX_GOTPCRELX (42) against 'mk_kvar':"
                + " the x86_64 kernel loader does not accept it", f);
    }

    @Test
    void valueOutOfRange() throws Exception {
        bootTestKernel();
        String f = td.resolve("objects/x86_64/bad-range32.o").toString();
        assertRefused("insmod: error: " + f + ":(.text+0x1): R_X86_64_32 against 'mk_kfunc': 0xffffffff81000100 does not fit in"
                + " unsigned 32 bits", f);
    }

    @Test
    void m68kTypeOnlyModutilsAccepted() throws Exception {
        bootM68kTestKernel();
        String f = td.resolve("objects/m68k/bad-pc16.o").toString();
        assertRefused("insmod: error: " + f + ":(.rodata+0x2): unknown relocation R_68K_PC16 (5) against 'mk_kfunc': the m68k kernel"
                + " loader does not accept it (2.4 modutils did; modkit follows the kernel)", f);
    }

    @Test
    void m68kGotRelocation() throws Exception {
        bootM68kTestKernel();
        String f = td.resolve("objects/m68k/bad-got.o").toString();
        assertRefused("insmod: error: " + f + ":(.text+0x4): unknown relocation R_68K_GOT32O (10) against 'mk_kvar': the m68k kernel"
                + " loader does not accept it", f);
    }

    /** m68k's apply_relocate_add stores S + A in 32 bits without a check: a value past 2^32 is truncated, not refused. */
    @Test
    void m68kValueBeyond32BitsIsTruncated() throws Exception {
        bootM68kTestKernel();
        String f = td.resolve("objects/m68k/bad-range32.o").toString();
        Outcome o = insmod(f);
        assertEquals(0, o.exit(), o.stderr());
    }

    @Test
    void missingSymbolsAreAllListed() throws Exception {
        bootTestKernel();
        String f = td.resolve("objects/x86_64/bad-missing.o").toString();
        assertRefused("insmod: error: " + f + ": 2 unknown symbols: mk_nosuch1 (.text+0x1), mk_nosuch2 (.data+0x0)", f);
    }

    @Test
    void gplOnlySymbolFromAProprietaryModule() throws Exception {
        String f = td.resolve("objects/x86_64/mk_proprietary.ko").toString();
        assertRefused("insmod: error: " + f + ": 1 unknown symbol: ktime_get (.init.text+0x7)", f);
        assertEquals("  hint: ktime_get is exported GPL-only, and this module's licence 'Proprietary' is not GPL-compatible",
                insmod(f).stderr().lines().skip(1).findFirst().orElse(""));
    }

    /**
     * Linux 6.1 taints itself P (and O, E for an unsigned out-of-tree module) in check_modinfo, before the symbols
     * are resolved: seen on Debian's 6.1.0-56-amd64 (StateAgreementTest), the taint stays after the load fails.
     */
    @Test
    void taintOfALateFailureStays() throws Exception {
        String f = td.resolve("objects/x86_64/mk_proprietary.ko").toString();
        assertEquals("OE", KernelState.taints(root), "mk_exporter's");
        String before = KernelState.withoutTaint(root);
        assertEquals(1, insmod(f).exit());
        assertEquals("POE", KernelState.taints(root));
        assertEquals(before, KernelState.withoutTaint(root), "nothing of it stays loaded");
    }

    @Test
    void namespaceNotImported() throws Exception {
        String f = td.resolve("objects/x86_64/mk_nsmissing.ko").toString();
        assertRefused("insmod: error: " + f + ": module uses 1 symbol from a namespace it does not import: mk_ns_sub"
                + " (namespace MODKIT_TEST)", f);
    }

    @Test
    void alreadyLoaded() throws Exception {
        String f = td.resolve("objects/x86_64/mk_exporter.ko").toString();
        assertRefused("insmod: error: module mk_exporter is already loaded", f);
    }

    @Test
    void usageErrorExitsTwo() {
        assertEquals(2, insmod().exit());
    }

    private void bootM68kTestKernel() {
        assertEquals(0, Modkit.run("sim", "boot", "--root", root.toString(), "--kernel",
                td.resolve("profiles/m68k-test.profile").toString()));
    }

    private void bootTestKernel() {
        assertEquals(0, Modkit.run("sim", "boot", "--root", root.toString(), "--kernel",
                td.resolve("profiles/x86_64-test.profile").toString()));
    }
}
