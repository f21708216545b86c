package modkit.rmmod;

import java.util.List;
import modkit.command.CommonOptions;
import modkit.command.OptionTable;
import modkit.command.OptionTable.Opt;
import modkit.elf.ModkitException;
import modkit.elf.ModuleNames;
import modkit.kernel.KernelException;
import modkit.kernel.KernelBackend;

/**
 * {@code rmmod NAME...}: removes modules in the order given. As in kmod, a failed removal is reported and the
 * next name is still tried; the exit code says whether any failed.
 */
public final class RmmodCommand {
    private static final Opt ALL = Opt.flag("modutils: with no NAME, remove every unused module marked autoclean (insmod -k)", "-a", "--all");
    private static final Opt SYSLOG = Opt.flag("Send messages to syslog (/dev/log; $MODKIT_SYSLOG) instead of the terminal", "-s", "--syslog");
    private static final Opt FORCE = Opt.flag("Remove even if referenced or permanent (needs CONFIG_MODULE_FORCE_UNLOAD; taints R)", "-f", "--force");
    private static final Opt WAIT = Opt.flag("Wait until the module's references are dropped, then remove it", "-w", "--wait");
    private static final Opt VERBOSE = Opt.flag("Say what was done", "-v", "--verbose");

    public static final OptionTable OPTIONS = new OptionTable("rmmod", "modkit rmmod 0.1",
            "Remove modules from the kernel (simulated, or with --backend linux the running one).",
            CommonOptions.with(ALL, SYSLOG, FORCE, WAIT, VERBOSE),
            List.of(new OptionTable.Operands("NAME", "0..*", "Module names (or paths: the file name is used)")));

    private final CommonOptions common;
    private final List<String> names;
    private final boolean all;
    private final boolean force;
    private final boolean waitForUsers;
    private final boolean verbose;

    private RmmodCommand(OptionTable.Args a) {
        common = CommonOptions.of(a);
        names = a.operands();
        all = a.has(ALL);
        force = a.has(FORCE);
        waitForUsers = a.has(WAIT);
        verbose = a.has(VERBOSE);
    }

    public static int run(String... args) {
        return OPTIONS.run(args, a -> {
            RmmodCommand c = new RmmodCommand(a);
            return a.has(SYSLOG) ? modkit.command.Syslog.open("rmmod").run(c::remove) : c.remove();
        });
    }

    private Integer remove() {
        if (all) {
            return removeAutoclean();
        }
        if (names.isEmpty()) {
            throw new ModkitException("no module named: give NAME..., or -a for the unused autoclean modules");
        }
        int failed = 0;
        try (KernelBackend kernel = common.openKernel()) {
            for (String n : names) {
                String name = ModuleNames.fromPath(n); // a file name or path works too, as with kmod
                try {
                    String before = kernel.taints();
                    kernel.unload(name, force, waitForUsers);
                    if (!before.equals(kernel.taints())) {
                        System.err.println("rmmod: forced removal of " + name + ": the kernel is now tainted ("
                                + kernel.taints() + ")");
                    }
                    if (verbose) {
                        System.out.println("removed " + name);
                    }
                } catch (KernelException e) {
                    if (names.size() == 1) {
                        throw e;
                    }
                    System.err.println("rmmod: error: " + e.getMessage());
                    failed++;
                }
            }
        }
        if (failed > 0) {
            throw new ModkitException(failed + " of " + names.size() + " modules could not be removed");
        }
        return 0;
    }

    /** modutils' rmmod -a: unused autoclean modules go, repeatedly while removals leave others unused. */
    private Integer removeAutoclean() {
        if (!names.isEmpty()) {
            throw new ModkitException("-a/--all removes the unused autoclean modules and takes no NAME", "rmmod -a, or rmmod NAME...");
        }
        try (KernelBackend kernel = common.openKernel()) {
            if (!kernel.hasAutoclean()) {
                System.err.println("rmmod: -a: this kernel has no autoclean modules (none since Linux 2.6): nothing removed");
                return 0;
            }
            for (String n : kernel.removeUnusedAutoclean()) {
                if (verbose) {
                    System.out.println("removed " + n);
                }
            }
        }
        return 0;
    }
}
