package modkit.cli;

import java.util.Arrays;
import modkit.command.CommandRunner;
import modkit.depmod.cli.DepmodCommand;
import modkit.modinfo.cli.ModinfoCommand;
import modkit.insmod.cli.InsmodCommand;
import modkit.lsmod.KsymsCommand;
import modkit.lsmod.LsmodCommand;
import modkit.modprobe.cli.ModprobeCommand;
import modkit.rmmod.RmmodCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The multi-call launcher: {@code modkit insmod ...}, and {@code insmod ...} when started through a link named
 * after the tool (bin/insmod passes its own name as the first argument).
 */
@Command(name = "modkit", mixinStandardHelpOptions = true, version = "modkit 0.1",
        description = "A userspace kernel-module linker and toolchain.",
        subcommands = {InsmodCommand.class, RmmodCommand.class, LsmodCommand.class, ModprobeCommand.class,
            DepmodCommand.class, ModinfoCommand.class, ProfileCommand.class, SimCommand.class, BenchCommand.class,
            KsymsCommand.class})
public final class Modkit implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line in this process and returns its exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Modkit());
        String tool = args.length > 0 && cl.getSubcommands().containsKey(args[0]) ? args[0] : "modkit";
        CommandRunner.configure(tool, cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            CommandRunner.configure(sub.getCommandName(), sub);
        }
        return cl.execute(Arrays.copyOf(args, args.length));
    }
}
