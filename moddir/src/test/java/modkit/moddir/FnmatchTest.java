package modkit.moddir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** fnmatch(3) with no flags, one row per case: the expectations are glibc's answers. */
class FnmatchTest {
    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "loop|loop|true",
        "loop|loop0|false",
        "lo?p|loop|true",
        "lo?p|lop|false",
        "lo*|lo|true",
        "*|''|true",
        "a*b*c|aXXbYYc|true",
        "a*b*c|aXXbYY|false",
        "*/x|a/b/x|true",
        "myloop[0-9]|myloop7|true",
        "myloop[0-9]|myloopa|false",
        "x[!0-9]|xa|true",
        "x[!0-9]|x5|false",
        "x[^a]|xb|true",
        "x[]]|x]|true",
        "x[!]]|xa|true",
        "x[a-c-]|x-|true",
        "x[|x[|true",
        "x[ab|x[ab|true",
        "a\\*|a*|true",
        "a\\*|ab|false",
        "usb:v*p*d*dc*dsc*dp*ic08isc06ip50in*|usb:v054Cp087Dd0100dc00dsc00dp00ic08isc06ip50in00|true",
        "usb:v*p*d*dc*dsc*dp*ic08isc06ip50in*|usb:v054Cp087Dd0100dc00dsc00dp00ic08isc06ip62in00|false",
        "pci:v00008086d*sv*sd*bc04sc03i00*|pci:v00008086d0000A348sv00001028sd00000869bc04sc03i00|true",
        "pci:v00008086d*sv*sd*bc*sc*i*|pci:v00008086d00001C20sv0sd0bc04sc03i00|true",
        "pci:v00008086d*sv*sd*bc*sc*i*|pci:v00008087d00001C20sv0sd0bc04sc03i00|false",
        "acpi*:SYN_0[0-9A-F]:*|acpi:SYN_0B:x|true",
        "acpi*:SYN_0[0-9A-F]:*|acpi:SYN_0G:x|false",
        "char_major_4_*|char_major_4_64|true",
        "a?c|ac|false",
        "[!a]x|bx|true",
        "[!a]x|ax|false",
        "[]]x|]x|true",
    })
    void matchesLikeGlibc(String pattern, String text, boolean expected) {
        assertEquals(expected, Fnmatch.matches(pattern, text));
    }

    @ParameterizedTest
    @CsvSource({"usb:v*p*d*dc*dsc*dp*ic*isc*ip*in*", "a*a*a*a*a*a*a*a*a*a*b"})
    void manyStarsDoNotBacktrackExponentially(String pattern) {
        // 60 characters that almost match: naive recursion would take minutes here.
        assertEquals(false, Fnmatch.matches(pattern + "Z", "a".repeat(60)));
    }
}
