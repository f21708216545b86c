package modkit.moddir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every modprobe.d directive, the malformed form of each, and how files and the kernel command line combine. */
class ConfigParserTest {
    /** kmod 30's message prefix for a bad line, as Debian's build prints it (libkmod-config.c:712). */
    private static final String BAD = "libkmod: ERROR ../libkmod/libkmod-config.c:712 kmod_config_parse: ";

    private static List<String> warnings(ModprobeConfig c) {
        return c.warnings().stream().map(Object::toString).toList();
    }

    @Test
    void aliasNormalisesDashesOutsideBracketsAndMatchesAsAPattern() {
        ModprobeConfig c = ConfigParser.parse("a.conf", "alias my-loop[0-9] loop-x\n");
        assertEquals(List.of(new ModprobeConfig.Alias("my_loop[0-9]", "loop_x")), c.aliases());
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void aliasWithoutAModuleIsReportedAndTheNextLineStillApplies() {
        ModprobeConfig c = ConfigParser.parse("a.conf", "alias lonely\nalias ok loop\nalias x y z\n");
        assertEquals(List.of(new ModprobeConfig.Alias("ok", "loop"), new ModprobeConfig.Alias("x", "y")), c.aliases());
        assertEquals(List.of(BAD + "a.conf line 1: ignoring bad line starting with 'alias'"), warnings(c),
                "extra words are ignored in silence, as kmod does");
    }

    @Test
    void blacklist() {
        ModprobeConfig c = ConfigParser.parse("b.conf", "blacklist snd-pcm\nblacklist\n");
        assertEquals(List.of("snd_pcm"), c.blacklist());
        assertEquals(true, c.isBlacklisted("snd_pcm"));
        assertEquals(List.of(BAD + "b.conf line 2: ignoring bad line starting with 'blacklist'"), warnings(c));
    }

    @Test
    void optionsKeepTheirTextAndJoinInOrderForNameOrAlias() {
        ModprobeConfig c = ConfigParser.parse("o.conf",
                "options loop max_loop=4\noptions loop  max_part=2\tx=\"a b\"\noptions lp0 y=1\noptions loop\n");
        assertEquals("max_loop=4  max_part=2 x=\"a b\"", c.optionsFor("loop", null),
                "the text after the name is kept as written, tabs as spaces (kmod prints it so)");
        assertEquals("max_loop=4  max_part=2 x=\"a b\" y=1", c.optionsFor("loop", "lp0"));
        assertNull(c.optionsFor("dummy", null));
        assertEquals(List.of(BAD + "o.conf line 4: ignoring bad line starting with 'options'"), warnings(c));
    }

    @Test
    void installAndRemoveTakeTheFirstMatchingCommand() {
        ModprobeConfig c = ConfigParser.parse("c.conf", """
                install snd-* /bin/true first
                install snd_pcm /bin/true second
                remove snd_pcm /sbin/modprobe -r --ignore-remove snd_pcm && echo $MODPROBE_MODULE
                install lonely
                remove
                """);
        assertEquals("/bin/true first", c.installCommandFor("snd_pcm"));
        assertEquals("/sbin/modprobe -r --ignore-remove snd_pcm && echo $MODPROBE_MODULE", c.removeCommandFor("snd_pcm"));
        assertNull(c.installCommandFor("loop"));
        assertEquals(List.of(BAD + "c.conf line 4: ignoring bad line starting with 'install'",
                BAD + "c.conf line 5: ignoring bad line starting with 'remove'"), warnings(c));
    }

    @Test
    void softdepLinesForOneModuleMerge() {
        ModprobeConfig c = ConfigParser.parse("s.conf", """
                softdep loop pre: a b post: c
                softdep loop post: d pre: e
                softdep lo* pre: f
                softdep other pre: z
                """);
        ModprobeConfig.Softdep sd = c.softdepsFor("loop");
        assertEquals(List.of("a", "b", "e", "f"), sd.pre());
        assertEquals(List.of("c", "d"), sd.post());
        assertNull(c.softdepsFor("dummy"));
        assertEquals("pre: a b post: c", c.softdeps().get(0).value());
    }

    /** kmod_config_add_softdep (libkmod-config.c) drops words before pre:/post: without a word. */
    @Test
    void softdepWordsOutsidePreOrPostAreDroppedInSilenceAsInKmod() {
        ModprobeConfig c = ConfigParser.parse("s.conf", "softdep loop stray pre: a\nsoftdep loop\nsoftdep cifs gcm\n");
        assertEquals(List.of("a"), c.softdepsFor("loop").pre());
        assertEquals(List.of(), c.softdepsFor("cifs").pre());
        assertEquals(List.of(BAD + "s.conf line 2: ignoring bad line starting with 'softdep'"), warnings(c));
    }

    @Test
    void softdepCompatKmodTakesTheFirstMatchingLineOnly() {
        ModprobeConfig c = ConfigParser.parse("s.conf", """
                softdep loop pre: a post: c
                softdep lo* pre: f
                softdep loop post: d
                """);
        assertEquals(List.of("a", "f"), c.softdepsFor("loop").pre(), "merged by default");
        assertEquals(List.of("c", "d"), c.softdepsFor("loop").post());
        // kmod_module_get_softdeps (libkmod-module.c, kmod 30..34) breaks out after the first fnmatch
        c.softdepMode(ModprobeConfig.SoftdepMode.KMOD);
        assertEquals(List.of("a"), c.softdepsFor("loop").pre());
        assertEquals(List.of("c"), c.softdepsFor("loop").post());
        assertEquals(List.of("f"), c.softdepsFor("lop").pre());
    }

    /** kmod 34's weakdep lines (libkmod-config.c kmod_config_add_weakdep; modprobe.c show_config prints them last). */
    @Test
    void weakdepLinesAreKeptAndShownLastLoadingNothing() {
        ModprobeConfig c = ConfigParser.parse("w.conf", "weakdep foo-bar  a\tb\nweakdep lonely\nsoftdep foo pre: x\n");
        assertEquals(List.of(new ModprobeConfig.Weakdep("foo_bar", List.of("a", "b"))), c.weakdeps());
        assertEquals(List.of(BAD + "w.conf line 2: ignoring bad line starting with 'weakdep'"), warnings(c));
        assertEquals("softdep foo pre: x\nweakdep foo_bar a b\n", c.show());
        assertNull(c.softdepsFor("foo_bar"), "a weakdep is no softdep: modprobe loads none");
    }

    @Test
    void includeAndConfigAreNotSupportedAsInKmod() {
        ModprobeConfig c = ConfigParser.parse("i.conf", "include /etc/other.conf\nconfig x\nalias a b\n");
        assertEquals(List.of(
                "libkmod: ERROR ../libkmod/libkmod-config.c:708 kmod_config_parse: i.conf: command include is deprecated and not parsed anymore",
                "libkmod: ERROR ../libkmod/libkmod-config.c:708 kmod_config_parse: i.conf: command config is deprecated and not parsed anymore"),
                warnings(c));
        assertEquals(1, c.aliases().size());
    }

    @Test
    void unknownCommandsCommentsAndContinuationLines() {
        ModprobeConfig c = ConfigParser.parse("u.conf", "# comment\n\n  # indented comment\nfrob x\noptions loop \\\na=1\n"
                + "blacklist dummy\n");
        assertEquals(List.of(BAD + "u.conf line 3: ignoring bad line starting with '#'",
                BAD + "u.conf line 4: ignoring bad line starting with 'frob'"), warnings(c),
                "kmod skips only lines whose first character is #");
        assertEquals("a=1", c.optionsFor("loop", null), "a backslash joins the next line");
        assertEquals(List.of("dummy"), c.blacklist(), "the line after a continuation is counted right");
    }

    @Test
    void kernelCommandLineGivesOptionsAndBlacklist() {
        ModprobeConfig c = ConfigParser.parseCmdline(
                "BOOT_IMAGE=/vmlinuz root=/dev/sda1 loop.max_loop=8 snd-pcm.x=\"a b\" modprobe.blacklist=uas,dummy "
                        + "quiet mod.flag -- init.option=1\n");
        assertEquals("max_loop=8", c.optionsFor("loop", null));
        assertEquals("x=\"a b\"", c.optionsFor("snd_pcm", null), "the value keeps its quotes and space");
        assertEquals("flag", c.optionsFor("mod", null));
        assertEquals(List.of("uas", "dummy"), c.blacklist());
        assertEquals("option=1", c.optionsFor("init", null), "kmod does not stop at --");
    }

    @Test
    void filesAreReadByNameAcrossDirectoriesTheEarlierDirectoryWinning(@TempDir Path tmp) throws IOException {
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        Path lib = Files.createDirectories(tmp.resolve("lib"));
        Path mods = Files.createDirectories(tmp.resolve("mods"));
        Files.writeString(etc.resolve("b.conf"), "options m from=etc-b\n");
        Files.writeString(lib.resolve("b.conf"), "options m from=lib-b\n");
        Files.writeString(lib.resolve("a.conf"), "options m from=lib-a\nsoftdep m pre: x\n");
        Files.writeString(lib.resolve("z.alias"), "options m from=lib-z\n");
        Files.writeString(lib.resolve("ignored.txt"), "options m from=txt\n");
        Files.writeString(lib.resolve(".hidden.conf"), "options m from=hidden\n");
        Files.writeString(mods.resolve("modules.softdep"), "softdep m pre: y\n");
        Files.writeString(tmp.resolve("cmdline"), "m.from=cmdline\n");
        ModprobeConfig c = ConfigParser.load(List.of(etc.toString(), lib.toString(), tmp.resolve("missing").toString()),
                mods.resolve("modules.softdep").toString(), tmp.resolve("cmdline").toString());
        assertEquals("from=lib-a from=etc-b from=lib-z from=cmdline", c.optionsFor("m", null));
        assertEquals(List.of(lib + "/a.conf", etc + "/b.conf", mods + "/modules.softdep", lib + "/z.alias"), c.files(),
                "modules.softdep is sorted among the configuration files by its name");
        assertEquals(List.of("x", "y"), c.softdepsFor("m").pre());
    }

    @Test
    void showPrintsKmodSectionsInKmodOrder() {
        ModprobeConfig c = ConfigParser.parse("x.conf", """
                softdep m post: c
                options m a=1
                alias al m
                remove m /bin/true
                install m /bin/false
                blacklist b
                """);
        assertEquals("""
                blacklist b
                install m /bin/false
                remove m /bin/true
                alias al m
                options m a=1
                softdep m post: c
                """, c.show());
    }
}
