package modkit.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import modkit.command.OptionTable.Opt;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A command declared with {@link OptionTable} reads its line as getopt_long does, and shows the help that picocli
 * shows for the same command declared with annotations.
 */
class OptionTableTest {
    private static final Opt ALL = Opt.flag("Every argument is a module", "-a", "--all");
    private static final Opt QUIET = Opt.flag("Print no errors", "-q", "--quiet");
    private static final Opt DIR = Opt.value("DIR", "Use DIR/lib/modules", "-d", "--dirname");
    private static final Opt CONFIG = Opt.values("PATH", "Read configuration from PATH; repeatable", "-C", "--config");
    private static final Opt OUT = Opt.file("FILE", "Write the image to FILE", "-O", "--output");

    private static final OptionTable TABLE = new OptionTable("probe", "probe 1.0", "Probe modules.",
            CommonOptions.with(ALL, QUIET, DIR, CONFIG, OUT),
            List.of(new OptionTable.Operands("NAME", "0..*", "Module names")));

    /** The same command as picocli would read it from annotations. */
    @Command(name = "probe", mixinStandardHelpOptions = true, version = "probe 1.0", description = "Probe modules.")
    static final class Annotated {
        @Mixin
        CommonOptions common;

        @Option(names = {"-a", "--all"}, description = "Every argument is a module")
        boolean all;

        @Option(names = {"-q", "--quiet"}, description = "Print no errors")
        boolean quiet;

        @Option(names = {"-d", "--dirname"}, paramLabel = "DIR", description = "Use DIR/lib/modules")
        String dir;

        @Option(names = {"-C", "--config"}, paramLabel = "PATH", description = "Read configuration from PATH; repeatable")
        List<String> config;

        @Option(names = {"-O", "--output"}, paramLabel = "FILE", description = "Write the image to FILE")
        Path out;

        @Parameters(paramLabel = "NAME", description = "Module names")
        List<String> names;
    }

    @Test
    void readsTheLineAsGetoptLongDoes() {
        OptionTable.Args a = TABLE.parse("mod1", "-aq", "-dROOT", "--conf=one", "-C", "two", "--root", "/state", "mod2",
                "--", "-notAnOption");
        assertTrue(a.has(ALL));
        assertTrue(a.has(QUIET));
        assertEquals("ROOT", a.value(DIR));
        assertEquals(List.of("one", "two"), a.values(CONFIG));
        assertEquals("/state", a.value(CommonOptions.ROOT));
        assertEquals(List.of("mod1", "mod2", "-notAnOption"), a.operands());
        assertFalse(a.has(OUT));
        assertNull(a.value(OUT));
    }

    @Test
    void aLaterValueOverridesAnEarlierOne() {
        assertEquals("b", TABLE.parse("-d", "a", "--dirname", "b").value(DIR));
    }

    @Test
    void aLineThatDoesNotFitIsAUsageErrorWithGlibcsWords() {
        assertEquals("unrecognized option '--bogus'",
                assertThrows(Getopt.UsageException.class, () -> TABLE.parse("--bogus")).getMessage());
        assertEquals("option requires an argument -- 'd'",
                assertThrows(Getopt.UsageException.class, () -> TABLE.parse("-d")).getMessage());
        assertEquals("option '--all' doesn't allow an argument",
                assertThrows(Getopt.UsageException.class, () -> TABLE.parse("--all=yes")).getMessage());
    }

    @Test
    void theHelpIsPicocliLayoutOfTheAnnotatedCommand() {
        CommandLine root = new CommandLine(CommandLine.Model.CommandSpec.create().name("modkit"));
        root.addSubcommand("probe", new Annotated());
        assertEquals(root.getSubcommands().get("probe").getUsageMessage(), TABLE.help());
    }

    @Test
    void theModelListsTheOptionsInTheOrderPicocliGivesTheAnnotatedOnes() {
        List<String> annotated = new CommandLine(new Annotated()).getCommandSpec().options().stream()
                .map(OptionSpec::longestName).toList();
        List<String> table = TABLE.spec().options().stream().map(OptionSpec::longestName).toList();
        assertEquals(annotated, table);
    }

    /** The kmod tools take the common options from CommonOptions.OPTIONS, the picocli commands from its fields. */
    @Test
    void theCommonOptionsAreTheSameBothWays() {
        Map<String, String> annotated = describe(new CommandLine(new Object() {
            @Mixin
            CommonOptions common;
        }).getCommandSpec().options());
        Map<String, String> table = describe(new OptionTable("x", "x", "x", CommonOptions.OPTIONS, List.of()).spec()
                .options().stream().filter(o -> !o.usageHelp() && !o.versionHelp()).toList());
        assertEquals(annotated, table);
    }

    private static Map<String, String> describe(List<OptionSpec> options) {
        Map<String, String> m = new TreeMap<>();
        for (OptionSpec o : options) {
            m.put(String.join(",", o.names()), (o.arity().max() > 0 ? o.paramLabel() : "-") + " | " + String.join(" ", o.description()) + " | "
                    + o.type().getSimpleName());
        }
        return m;
    }
}
