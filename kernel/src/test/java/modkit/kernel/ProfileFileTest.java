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

    @Test
    void aBadSymbolLineIsReportedWithItsLineWhenSymbolsAreFirstUsed() {
        KernelProfile p = ProfileFile.parse("t.profile", (HEADER + "symbols\nffffffff81000010 1a2b3c4d EXPORT_SYMBOL\n")
                .getBytes(StandardCharsets.UTF_8));
        ModkitException e = assertThrows(ModkitException.class, () -> p.symbols().get("printk"));
        assertEquals("t.profile:8: bad symbol line 'ffffffff81000010 1a2b3c4d EXPORT_SYMBOL'"
                + " (want: ADDRESS CRC|- EXPORT_SYMBOL[_GPL] NAME [NAMESPACE])", e.getMessage());
    }

    @Test
    void aMissingHeaderFieldIsReportedAtOnce() {
        ModkitException e = assertThrows(ModkitException.class,
                () -> ProfileFile.parse("t.profile", "arch=x86_64\nsymbols\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("t.profile: kernel profile has no 'release=' line", e.getMessage());
    }
}
