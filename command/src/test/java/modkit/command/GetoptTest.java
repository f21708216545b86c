package modkit.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import modkit.command.Getopt.Given;
import modkit.command.Getopt.Option;
import modkit.command.Getopt.Parsed;
import org.junit.jupiter.api.Test;

/** glibc getopt_long's reading of a command line, as kmod's depmod sees it (messages checked against kmod 30). */
class GetoptTest {
    private static final Option ALL = new Option('a', false, "all");
    private static final Option SHOW = new Option('n', false, "show", "dry-run");
    private static final Option BASEDIR = new Option('b', true, "basedir");
    private static final Option CONFIG = new Option('C', true, "config");
    private static final Option JSON = new Option((char) 0, false, "json");
    private static final Getopt OPTS = new Getopt(List.of(ALL, SHOW, BASEDIR, CONFIG, JSON));

    /** The options by first long name (with =value), then the operands. */
    private static String show(Parsed p) {
        StringBuilder sb = new StringBuilder();
        for (Given g : p.options()) {
            sb.append(g.option().longNames()[0]).append(g.value() == null ? "" : "=" + g.value()).append(' ');
        }
        return sb.append(p.operands()).toString();
    }

    @Test
    void shortOptionsClusterAndTakeTheirValueAttachedOrNext() {
        assertEquals("all show basedir=/r [6.1]", show(OPTS.parse("-anb/r", "6.1")));
        assertEquals("basedir=/r config=a config=b [6.1]", show(OPTS.parse("-b", "/r", "-Ca", "-C", "b", "6.1")));
        // The value may itself start with '-'.
        assertEquals("basedir=-n []", show(OPTS.parse("-b", "-n")));
    }

    @Test
    void longOptionsTakeEqualsOrTheNextArgumentAndAnyUniquePrefix() {
        assertEquals("basedir=/r show []", show(OPTS.parse("--basedir=/r", "--dry-run")));
        assertEquals("basedir=/r json []", show(OPTS.parse("--base", "/r", "--js")));
        assertEquals("show []", show(OPTS.parse("--sh")));
        assertEquals("basedir= []", show(OPTS.parse("--basedir=")));
    }

    @Test
    void operandsAnywhereAndDoubleDashEndsTheOptions() {
        assertEquals("all show [6.1, x.ko, -a, --json]", show(OPTS.parse("6.1", "-a", "x.ko", "-n", "--", "-a", "--json")));
        assertEquals("[-]", show(OPTS.parse("-")));
    }

    @Test
    void badCommandLinesGiveGlibcsMessages() {
        assertEquals("unrecognized option '--no-such'", message("--no-such"));
        assertEquals("unrecognized option '--no-such=4'", message("--no-such=4"));
        assertEquals("option requires an argument -- 'b'", message("-b"));
        assertEquals("invalid option -- 'x'", message("-ax"));
        assertEquals("option '--basedir' requires an argument", message("--basedir"));
        assertEquals("option '--all' doesn't allow an argument", message("--all=3"));
        // An abbreviation is named in full.
        assertEquals("option '--all' doesn't allow an argument", message("--a=3"));
        assertEquals("option '--basedir' requires an argument", message("--base"));
        Option alpha = new Option('x', false, "alpha");
        Option also = new Option('y', false, "also");
        assertEquals("option '--al' is ambiguous; possibilities: '--alpha' '--also'",
                assertThrows(Getopt.UsageException.class, () -> new Getopt(List.of(alpha, also)).parse("--al")).getMessage());
    }

    private static String message(String... args) {
        return assertThrows(Getopt.UsageException.class, () -> OPTS.parse(args)).getMessage();
    }
}
