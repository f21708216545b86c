package modkit.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import modkit.command.CommandRunner;
import modkit.depmod.cli.DepmodCommand;
import modkit.elf.Invocation;
import modkit.modinfo.cli.ModinfoCommand;
import modkit.insmod.cli.InsmodCommand;
import modkit.lsmod.KsymsCommand;
import modkit.lsmod.LsmodCommand;
import modkit.lsmod.ParamsCommand;
import modkit.modprobe.cli.ModprobeCommand;
import modkit.rmmod.RmmodCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The multi-call launcher: {@code modkit insmod ...}, and {@code insmod ...} when started through a link named
 * after the tool (bin/insmod passes its own name as the first argument).
 */
@Command(name = "modkit", mixinStandardHelpOptions = true, version = "modkit 0.1",
        description = "A userspace kernel-module linker and toolchain.")
public final class Modkit implements Callable<Integer> {
    /**
     * The subcommands, built on demand: picocli reads a command's annotations when it is added, and doing that for
     * all of them was a visible part of every command's start-up.
     */
    private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

    static {
        // picocli's object factory looks for Groovy's Closure class when first used; the lookup misses, and a miss
        // opens every jar on the class path before it gives up (40 ms of a 280 ms lsmod). Commands here are Java.
        System.setProperty("picocli.disable.closures", "true");
        COMMANDS.put("insmod", () -> InsmodCommand.OPTIONS.spec());
        COMMANDS.put("rmmod", () -> RmmodCommand.OPTIONS.spec());
        COMMANDS.put("lsmod", () -> LsmodCommand.OPTIONS.spec());
        COMMANDS.put("modprobe", () -> ModprobeCommand.OPTIONS.spec());
        COMMANDS.put("depmod", () -> listed(DepmodCommand.DESCRIPTION)); // runs without picocli
        COMMANDS.put("modinfo", () -> ModinfoCommand.OPTIONS.spec());
        COMMANDS.put("profile", ProfileCommand::new);
        COMMANDS.put("sign", SignCommand::new);
        COMMANDS.put("verify", VerifyCommand::new);
        COMMANDS.put("sim", SimCommand::new);
        COMMANDS.put("bench", BenchCommand::new);
        COMMANDS.put("server", ServerCommand::new);
        COMMANDS.put("ksyms", KsymsCommand::new);
        COMMANDS.put("params", ParamsCommand::new);
        COMMANDS.put("aot-training", AotTrainingCommand::new);
        COMMANDS.put("in-process", InProcessCommand::new);
        COMMANDS.put("help", CommandLine.HelpCommand::new);
    }

    /** Every subcommand by name, each supplier making a fresh command object (for the man pages and completion). */
    public static Map<String, Supplier<Object>> commands() {
        return java.util.Collections.unmodifiableMap(COMMANDS);
    }

    /**
     * The kmod tools, which read their own command lines (picocli's reflection over a command's annotations was a
     * third of their start-up): each runs with the arguments after its name and returns its exit code.
     */
    private static final Map<String, java.util.function.ToIntFunction<String[]>> PLAIN = Map.of(
            "depmod", a -> {
                PrintWriter err = new PrintWriter(System.err, true);
                int exit = DepmodCommand.run(a, System.out, err);
                err.flush();
                return exit;
            },
            "lsmod", LsmodCommand::run,
            "rmmod", RmmodCommand::run,
            "modinfo", ModinfoCommand::run,
            "modprobe", ModprobeCommand::run,
            "insmod", InsmodCommand::run);

    /** A command that parses its own options, as "modkit --help" lists it. */
    private static CommandSpec listed(String description) {
        CommandSpec spec = CommandSpec.create();
        spec.usageMessage().description(description);
        return spec;
    }

    @Spec
    CommandSpec spec;

    /** {@code modkit} alone: the usage with every command, and the exit code of a usage error. */
    @Override
    public Integer call() {
        System.err.println("modkit: missing command");
        spec.commandLine().usage(System.err);
        return CommandRunner.USAGE;
    }

    public static void main(String[] args) {
        int rc = run(args);
        // System.exit logs the exit through a System.Logger, and finding the logger scans every jar on the class
        // path: 6 ms, a seventh of depmod --version. No command leaves work for shutdown hooks (no temporary files
        // or hooks of its own; locks and mappings go with the process), and the output is flushed here, so the
        // process halts instead.
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(rc);
    }

    /**
     * Adds a {@link CommandGroup}'s subcommands to {@code group}'s command line: only the one {@code named} if it is
     * one of them, else all (for its usage, or a name it does not know).
     */
    public static void addSubcommands(CommandLine group, String named) {
        if (group.getCommand() instanceof CommandGroup g) {
            Map<String, Supplier<Object>> subs = g.subcommands();
            if (named != null && subs.containsKey(named)) {
                group.addSubcommand(named, subs.get(named).get());
            } else {
                subs.forEach((name, make) -> group.addSubcommand(name, make.get()));
            }
        }
    }

    /** Runs one command line in this process and returns its exit code (tests call this). */
    public static int run(String... args) {
        return runWithModprobeOptions(Invocation.getenv("MODPROBE_OPTIONS"), args);
    }

    /**
     * Runs with {@code modprobeOptions} (kmod's MODPROBE_OPTIONS: whitespace-separated options that modprobe
     * takes before those on its command line, as a parent modprobe passes them on to the ones its install
     * commands start); null or blank for none.
     */
    public static int runWithModprobeOptions(String modprobeOptions, String... args) {
        if (args.length > 0 && args[0].equals("modprobe") && modprobeOptions != null && !modprobeOptions.isBlank()) {
            List<String> all = new ArrayList<>();
            all.add(args[0]);
            all.addAll(List.of(modprobeOptions.trim().split("\\s+")));
            all.addAll(List.of(args).subList(1, args.length));
            args = all.toArray(new String[0]);
        }
        if (args.length > 0 && PLAIN.containsKey(args[0])) {
            return PLAIN.get(args[0]).applyAsInt(Arrays.copyOfRange(args, 1, args.length));
        }
        // "modkit help insmod" needs the command it is asked about.
        boolean known = args.length > 0 && COMMANDS.containsKey(args[0]) && !args[0].equals("help");
        CommandLine cl;
        if (known) {
            // The named command under a bare root: the root's own options and usage are read only when no command
            // is named, and reading its annotations (the standard help mixin, a scan of its methods for
            // subcommands) took 50 ms of every command's start.
            cl = new CommandLine(CommandSpec.create().name("modkit"));
            cl.addSubcommand(args[0], COMMANDS.get(args[0]).get());
            addSubcommands(cl.getSubcommands().get(args[0]), args.length > 1 ? args[1] : null);
        } else {
            // "modkit --help", a typo, or no command at all: the usage with every command.
            cl = new CommandLine(new Modkit());
            for (Map.Entry<String, Supplier<Object>> c : COMMANDS.entrySet()) {
                cl.addSubcommand(c.getKey(), c.getValue().get());
                addSubcommands(cl.getSubcommands().get(c.getKey()), null);
            }
        }
        CommandRunner.configure(known ? args[0] : "modkit", cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            CommandRunner.configure(sub.getCommandName(), sub);
        }
        return cl.execute(Arrays.copyOf(args, args.length));
    }
}
