package modkit.cli.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import modkit.command.Getopt;
import modkit.depmod.cli.DepmodCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class DocsTest {
    /** Every visible command of the tree with the page that documents it. */
    private static void commands(CommandLine cl, String page, Map<String, CommandLine> out) {
        out.put(page, cl);
        cl.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                String child = page.equals("modkit") ? (DocsGenerator.TOOLS.contains(name) ? name : "modkit-" + name)
                        : page + "-" + name;
                commands(sub, child, out);
            }
        });
    }

    private static Map<String, CommandLine> allCommands() {
        Map<String, CommandLine> out = new java.util.LinkedHashMap<>();
        commands(DocsGenerator.modkit(), "modkit", out);
        return out;
    }

    @Test
    void everyOptionOfEveryCommandIsInItsManPage() {
        Map<String, String> pages = DocsGenerator.pages();
        Map<String, CommandLine> commands = allCommands();
        assertTrue(commands.keySet().containsAll(List.of("modkit", "insmod", "rmmod", "lsmod", "modprobe", "depmod",
                "modinfo", "modkit-ksyms", "modkit-profile-import", "modkit-sim-boot")), commands.keySet().toString());
        assertEquals(new TreeSet<>(commands.keySet()), new TreeSet<>(pages.keySet()), "one page per visible command");
        int checked = 0;
        for (Map.Entry<String, CommandLine> c : commands.entrySet()) {
            String page = pages.get(c.getKey());
            for (OptionSpec o : ManPage.visibleOptions(c.getValue().getCommandSpec())) {
                for (String name : o.names()) {
                    assertTrue(page.contains("\\fB" + ManPage.escape(name) + "\\fR"), c.getKey() + ".8 lacks " + name);
                    checked++;
                }
                if (o.description().length > 0) {
                    String first = ManPage.plain(o.description()[0]).split("\n")[0].strip();
                    assertTrue(first.isEmpty() || page.contains(ManPage.line(first).substring(0, Math.min(20, ManPage.line(first).length()))),
                            c.getKey() + ".8 lacks the description of " + o.longestName());
                }
            }
        }
        assertTrue(checked > 100, "option names checked: " + checked);
        assertTrue(pages.get("insmod").contains(".SH LOAD MAP\n"), "insmod.8 documents the load map");
    }

    /**
     * depmod has no picocli definition: its options are the Getopt.Option constants of DepmodCommand, read here by
     * reflection, so an option added there without a line in its --help fails.
     */
    @Test
    void everyDepmodOptionIsInItsManPage() throws IllegalAccessException {
        String page = DocsGenerator.pages().get("depmod");
        // kmod's depmod still accepts these and ignores them; neither its --help nor its man page lists them.
        Set<String> ignored = Set.of("quiet", "root", "unresolved-error", "map");
        int checked = 0;
        for (Field f : DepmodCommand.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == Getopt.Option.class) {
                f.setAccessible(true);
                Getopt.Option o = (Getopt.Option) f.get(null);
                if (ignored.contains(o.longNames()[0])) {
                    continue;
                }
                for (String l : o.longNames()) {
                    assertTrue(page.contains("\\fB" + ManPage.escape("--" + l) + "\\fR"), "depmod.8 lacks --" + l);
                    checked++;
                }
                if (o.letter() != 0) {
                    assertTrue(page.contains("\\fB\\-" + o.letter() + "\\fR"), "depmod.8 lacks -" + o.letter());
                }
            }
        }
        assertTrue(checked >= 15, "depmod options checked: " + checked);
    }

    @Test
    void pagesAreWellFormedRoff() {
        Set<String> macros = Set.of(".TH", ".SH", ".TP", ".IP", ".PP", ".B", ".BR", ".nf", ".fi", ".\\\"");
        for (Map.Entry<String, String> p : DocsGenerator.pages().entrySet()) {
            List<String> lines = p.getValue().lines().toList();
            assertTrue(lines.get(1).startsWith(".TH \"" + p.getKey().toUpperCase() + "\" 8 "), p.getKey() + ": " + lines.get(1));
            List<String> sections = lines.stream().filter(l -> l.startsWith(".SH ")).toList();
            assertEquals(List.of(".SH NAME", ".SH SYNOPSIS"), sections.subList(0, 2), p.getKey());
            assertTrue(sections.contains(".SH EXIT STATUS"), p.getKey());
            assertTrue(lines.get(lines.indexOf(".SH NAME") + 1).matches("\\S+ \\\\- .+"), p.getKey() + ": NAME line");
            for (String l : lines) {
                if (l.startsWith(".") || l.startsWith("'")) {
                    assertTrue(macros.contains(l.split(" ", 2)[0]), p.getKey() + ": unknown request: " + l);
                }
                assertTrue(!l.matches(".*\\\\[^efBIR&\\-\"].*"), p.getKey() + ": stray escape: " + l);
            }
            assertEquals(count(lines, ".nf"), count(lines, ".fi"), p.getKey() + ": .nf/.fi");
        }
    }

    private static long count(List<String> lines, String request) {
        return lines.stream().filter(request::equals).count();
    }

    /** groff's own warnings (-ww), and man -l, over every page: both must be silent. */
    @Test
    void groffAndManRenderEveryPageWithoutWarnings(@TempDir Path tmp) throws IOException, InterruptedException {
        assumeTrue(onPath("groff"), "groff not installed (Debian: groff-base)");
        DocsGenerator.main(new String[] {tmp.toString()});
        File[] pages = tmp.resolve("man/man8").toFile().listFiles();
        assertTrue(pages != null && pages.length >= 20);
        for (File f : pages) {
            String[] r = run(tmp, List.of("groff", "-man", "-Tutf8", "-ww", "-z", f.toString()), Map.of());
            assertEquals("", r[1], f.getName() + ": groff warnings");
            if (onPath("man")) {
                r = run(tmp, List.of("man", "-l", f.toString()), Map.of("MANWIDTH", "80", "MAN_KEEP_FORMATTING", "0"));
                assertEquals("", r[1], f.getName() + ": man -l stderr");
                String name = f.getName().substring(0, f.getName().length() - 2);
                assertTrue(r[0].startsWith(name.toUpperCase() + "(8)"), f.getName() + ": " + r[0]);
            }
        }
    }

    /** bash, with the generated script sourced, completes "insmod --" and "modkit insmod --" with every long option. */
    @Test
    void bashCompletesInsmodOptions(@TempDir Path tmp) throws IOException, InterruptedException {
        assumeTrue(onPath("bash"), "bash not installed");
        DocsGenerator.main(new String[] {tmp.toString()});
        Path script = tmp.resolve("completion/modkit.bash");
        Set<String> want = new TreeSet<>();
        for (OptionSpec o : ManPage.visibleOptions(DocsGenerator.command("insmod").getCommandSpec())) {
            for (String n : o.names()) {
                if (n.startsWith("--")) {
                    want.add(n);
                }
            }
        }
        assertTrue(want.contains("--map-json") && want.contains("--dry-run"), want.toString());
        for (String line : List.of("insmod --", "modkit insmod --")) {
            String fn = line.startsWith("modkit") ? "_complete_modkit" : "_complete_insmod";
            String words = "(" + line + ")";
            String cmd = "source '" + script + "' 2>/dev/null; COMP_WORDS=" + words + "; COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ));"
                    + " COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; " + fn + " 2>/dev/null;"
                    + " printf '%s\\n' \"${COMPREPLY[@]}\"";
            String[] r = run(tmp, List.of("bash", "--norc", "-c", cmd), Map.of());
            assertEquals(want, new TreeSet<>(r[0].lines().toList()), line);
        }
        // and a subcommand name after "modkit"
        String[] r = run(tmp, List.of("bash", "--norc", "-c", "source '" + script + "' 2>/dev/null; COMP_WORDS=(modkit ksy);"
                + " COMP_CWORD=1; COMP_LINE='modkit ksy'; COMP_POINT=10; _complete_modkit 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\""),
                Map.of());
        assertEquals("ksyms\n", r[0]);
    }

    @Test
    void zshFileIsValidZsh(@TempDir Path tmp) throws IOException, InterruptedException {
        DocsGenerator.main(new String[] {tmp.toString()});
        String zsh = Files.readString(tmp.resolve("completion/_modkit"));
        assertTrue(zsh.startsWith("#compdef modkit insmod rmmod lsmod modprobe depmod modinfo\n"), zsh.substring(0, 80));
        assumeTrue(onPath("zsh"), "zsh not installed");
        String[] r = run(tmp, List.of("zsh", "-n", tmp.resolve("completion/_modkit").toString()), Map.of());
        assertEquals("", r[1]);
        // A real completion: an interactive zsh (in a pseudo-terminal) with _modkit in its fpath, "insmod --map<TAB><TAB>".
        Path driver = tmp.resolve("drive.zsh");
        Files.writeString(driver, """
                zmodload zsh/zpty
                zpty z zsh -f -i
                zpty -w z 'PS1="> "; fpath=(%s $fpath); autoload -U compinit && compinit -u; echo READY'
                zpty -r z line '*READY*'
                zpty -w -n z $'insmod --map\t\t'
                sleep 3
                out=""
                while zpty -r -t z chunk; do out+=$chunk; done
                print -r -- "$out"
                zpty -d z
                """.formatted(tmp.resolve("completion")));
        r = run(tmp, List.of("zsh", "-f", driver.toString()), Map.of());
        String shown = r[0].replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "");
        assertTrue(shown.contains("--map-json"), shown);
        assertTrue(!shown.contains("not found") && r[1].isEmpty(), shown + r[1]);
    }

    private static String[] run(Path dir, List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).directory(dir.toFile());
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + cmd);
        return new String[] {Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8)};
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
