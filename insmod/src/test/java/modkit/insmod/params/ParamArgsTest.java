package modkit.insmod.params;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import modkit.insmod.params.ParamArgs.Arg;
import org.junit.jupiter.api.Test;

/**
 * The kernel's next_arg (lib/cmdline.c / kernel/params.c): whitespace separates, a double quote toggles quoting,
 * quotes around a value (or around the whole argument) are dropped, quotes inside a value are kept, the first '='
 * splits, a bare "--" ends the arguments.
 */
class ParamArgsTest {
    private static List<Arg> args(String line) {
        return ParamArgs.parse(line).args();
    }

    @Test
    void namesAndValues() {
        assertEquals(List.of(new Arg("a", "1"), new Arg("b", null), new Arg("c", "")), args("  a=1\tb   c= "));
        assertEquals(List.of(new Arg("x", "y=z")), args("x=y=z"), "the first '=' splits");
    }

    @Test
    void quotes() {
        assertEquals(List.of(new Arg("s", "hello world"), new Arg("n", "2")), args("s=\"hello world\" n=2"));
        assertEquals(List.of(new Arg("s", "a b")), args("\"s=a b\""), "a quoted whole argument");
        assertEquals(List.of(new Arg("s", "a\"b c\"d")), args("s=a\"b c\"d"), "quotes inside a value stay");
        assertEquals(List.of(new Arg("flag", null)), args("\"flag\""));
    }

    @Test
    void doubleDashEndsTheList() {
        ParamArgs.Parsed p = ParamArgs.parse("a=1 -- b=2 c");
        assertEquals(List.of(new Arg("a", "1")), p.args());
        assertEquals("b=2 c", p.ignoredAfterDashes());
        assertNull(ParamArgs.parse("a=1 --").ignoredAfterDashes());
        assertEquals(List.of(new Arg("--", "1")), args("--=1"), "only a bare -- ends the list");
    }

    @Test
    void dashAndUnderscoreAreTheSameInNames() {
        assertTrue(ParamArgs.sameName("p-int", "p_int"));
        assertFalse(ParamArgs.sameName("p_int", "p_uint"));
    }
}
