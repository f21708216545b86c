package modkit.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import modkit.elf.ModkitException;
import org.junit.jupiter.api.Test;

/** Profiles parse their header at once and their symbols on first use, with the same answers and messages. */
class ProfileFileTest {
    private static final String HEADER = """
            # modkit kernel profile
            arch=x86_64
            release=6.1.0-test
            vermagic=6.1.0-test SMP mod_unload\s
            module_area=0xffffffffc0000000-0xffffffffff000000
            config=CONFIG_MODVERSIONS=y CONFIG_MODULE_UNLOAD=y
            """;

    @Test
    void symbolsAndDescriptorsParse() {
        KernelProfile p = ProfileFile.parse("t.profile", (HEADER + """
                symbols
                ffffffff81000010 1a2b3c4d EXPORT_SYMBOL printk
                ffffffff81000020 - EXPORT_SYMBOL_GPL  foo   NS_X
                fdescs
                ffffffff81000020 ffffffff81100000 ffffffff81200000
                """).getBytes(StandardCharsets.UTF_8));
        assertEquals("6.1.0-test SMP mod_unload ", p.vermagic());
        assertEquals(Map.of("CONFIG_MODVERSIONS", "y", "CONFIG_MODULE_UNLOAD", "y"), p.config());
        assertEquals(2, p.symbols().size());
        KernelSymbol foo = p.symbols().get("foo");
        assertEquals(0xffffffff81000020L, foo.address());
        assertEquals(null, foo.crc());
        assertEquals(true, foo.gpl());
        assertEquals("NS_X", foo.namespace());
        assertEquals(0x1a2b3c4dL, p.symbols().get("printk").crc());
        assertEquals(0xffffffff81200000L, p.symbols().read64(0xffffffff81000028L));
        // written and read again: the same symbols
        KernelProfile again = ProfileFile.parse("again", ProfileFile.toBytes(p, true));
        assertEquals(p.symbols().get("printk"), again.symbols().get("printk"));
        assertEquals(p.symbols().get("foo"), again.symbols().get("foo"));
    }

    /**
     * Only the header of a compressed profile is decompressed at open; its symbols come from the whole text later.
     * The header here is longer than the 8 KB read at a time, so the symbols line is found across reads.
     */
    @Test
    void aCompressedProfileWithALongHeaderReadsTheSameAsPlainText() throws Exception {
        StringBuilder cfg = new StringBuilder("config=");
        for (int i = 0; i < 900; i++) {
            cfg.append("CONFIG_OPTION_").append(i).append("=y ");
        }
        String text = HEADER + cfg + "\nsymbols\nffffffff81000010 1a2b3c4d EXPORT_SYMBOL printk\n"
                + "ffffffff81000030 - EXPORT_SYMBOL bar\n";
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        KernelProfile plain = ProfileFile.parse("p.profile", text.getBytes(StandardCharsets.UTF_8));
        KernelProfile packed = ProfileFile.parse("p.profile.gz", gz.toByteArray());
        assertEquals(902, packed.config().size()); // the header's two and these 900
        assertEquals(plain.config(), packed.config());
        assertEquals(plain.vermagic(), packed.vermagic());
        assertEquals(2, packed.symbols().size());
        assertEquals(0x1a2b3c4dL, packed.symbols().get("printk").crc());
        assertEquals(0xffffffff81000030L, packed.symbols().get("bar").address());
    }

    @Test
    void aBadSymbolLineIsReportedWithItsLineWhenSymbolsAreFirstUsed() {
        KernelProfile p = ProfileFile.parse("t.profile", (HEADER + "symbols\nffffffff81000010 1a2b3c4d EXPORT_SYMBOL\n")
                .getBytes(StandardCharsets.UTF_8));
        ModkitException e = assertThrows(ModkitException.class, () -> p.symbols().get("printk"));
        assertEquals("t.profile:8: bad symbol line 'ffffffff81000010 1a2b3c4d EXPORT_SYMBOL'"
                + " (want: ADDRESS CRC|- EXPORT_SYMBOL[_GPL] NAME [NAMESPACE])", e.getMessage());
    }

    /**
     * Without a page_size line a profile has its arch's default PAGE_SIZE: 4 KiB on x86, 16 KiB on ia64
     * (arch/ia64/Kconfig: IA64_PAGE_SIZE_16KB is the default choice). Its pointers are as wide as the arch's.
     */
    @Test
    void aProfileWithoutPageSizeHasItsArchsDefault() {
        KernelProfile x86 = ProfileFile.parse("t.profile", (HEADER + "symbols\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(4096, x86.pageSize());
        assertEquals(8, x86.pointerSize());
        KernelProfile ia64 = ProfileFile.parse("t.profile", (HEADER.replace("arch=x86_64", "arch=ia64") + "symbols\n")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(16384, ia64.pageSize());
        KernelProfile m68k = ProfileFile.parse("t.profile", (HEADER.replace("arch=x86_64", "arch=m68k") + "symbols\n")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(4, m68k.pointerSize());
        assertEquals(java.nio.ByteOrder.BIG_ENDIAN, m68k.byteOrder());
    }

    /** An arch modkit does not link has no pointer size to guess: the profile says so when asked. */
    @Test
    void aProfileForAnUnknownArchSaysWhichArchesModkitLinks() {
        KernelProfile p = ProfileFile.parse("t.profile", (HEADER.replace("arch=x86_64", "arch=sparc64") + "symbols\n")
                .getBytes(StandardCharsets.UTF_8));
        ModkitException e = assertThrows(ModkitException.class, p::pointerSize);
        assertEquals("unknown architecture 'sparc64'", e.getMessage());
        assertEquals("modkit links x86_64, i386, m68k and ia64", e.hint());
    }

    @Test
    void aMissingHeaderFieldIsReportedAtOnce() {
        ModkitException e = assertThrows(ModkitException.class,
                () -> ProfileFile.parse("t.profile", "arch=x86_64\nsymbols\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("t.profile: kernel profile has no 'release=' line", e.getMessage());
    }

    @Test
    void builtInCertificatesAreKeptAndAProfileWithoutThemDoesNotKnowTheKeys() {
        KernelProfile old = ProfileFile.parse("old.profile", (HEADER + "symbols\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(null, old.certificates());
        assertEquals(null, old.keyring(), "no cert= lines: the kernel's keys are unknown, not absent");
        KernelProfile debian = ProfileFile.embeddedDefault();
        assertEquals(1, debian.certificates().size());
        assertEquals("Build time autogenerated kernel key", modkit.kernel.signature.SignatureVerifier.commonName(
                debian.keyring().certificates().getFirst().getSubject()));
        KernelProfile again = ProfileFile.parse("again", ProfileFile.toBytes(debian.withConfig(Map.of("CONFIG_MODULE_SIG_FORCE", "y")), false));
        assertEquals(debian.certificates(), again.certificates(), "written, read, and kept through withConfig");
        KernelProfile none = ProfileFile.parse("none", ProfileFile.toBytes(old.withCertificates(java.util.List.of()), false));
        assertEquals(java.util.List.of(), none.keyring().certificates(), "a kernel that trusts no key stays one");
    }
}
