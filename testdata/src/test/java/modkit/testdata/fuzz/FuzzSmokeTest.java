package modkit.testdata.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bounded fuzz run of every build (the long one is scripts/fuzz.sh): each target a few thousand inputs from a
 * fixed seed, and not one may escape as anything but a ModkitException, nor take over 10 s.
 */
class FuzzSmokeTest {
    /** {@code refuses}: the target throws ModkitException for bad input (configuration parsers warn instead). */
    @ParameterizedTest(name = "{0}: {1} inputs")
    @CsvSource({"elf, 3000, true", "compressed, 1000, true", "modinfo, 3000, true", "link, 1000, true",
        "param-views, 1000, true", "param-show, 5000, true", "kmod-index, 2000, true", "modprobe.d, 5000, false",
        "depmod.d, 1000, false", "cmdline, 5000, false"})
    void noInputCrashesOrHangs(String target, long inputs, boolean refuses) {
        Fuzzer.Result r = new Fuzzer(Targets.byName(target), 14, null).run(inputs);
        String crashes = r.crashes().stream().limit(3).map(f -> f.summary()).collect(Collectors.joining("\n"));
        assertEquals(0, r.crashes().size(), target + " crashed on " + r.crashes().size() + " inputs, first:\n" + crashes);
        assertEquals(0, r.hangs().size(), target + " hung");
        assertTrue(!refuses || r.refused() > 0, "the mutations must reach the target's checks: none of " + inputs + " was refused");
    }
}
