package modkit.rmmod;

import java.util.List;
import java.util.concurrent.Callable;
import modkit.command.CommonOptions;
import modkit.elf.ModkitException;
import modkit.elf.ModuleNames;
import modkit.kernel.KernelException;
import modkit.kernel.KernelBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rmmod NAME...}: removes modules in the order given. As in kmod, a failed removal is reported and the
 * next name is still tried; the exit code says whether any failed.
 */
@Command(name = "rmmod", mixinStandardHelpOptions = true, version = "modkit rmmod 0.1",
        description = "Remove modules from the kernel (simulated, or with --backend linux the running one).")
public final class RmmodCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(arity = "0..*", paramLabel = "NAME", description = "Module names (or paths: the file name is used)")
    List<String> names = new java.util.ArrayList<>();

    @Option(names = {"-a", "--all"}, description = "modutils: with no NAME, remove every unused module marked autoclean (insmod -k)")
    boolean all;

    @Option(names = {"-s", "--syslog"}, description = "Send messages to syslog (/dev/log; $MODKIT_SYSLOG) instead of the terminal")
    boolean syslog;

    @Option(names = {"-f", "--force"}, description = "Remove even if referenced or permanent (needs CONFIG_MODULE_FORCE_UNLOAD; taints R)")
    boolean force;

    @Option(names = {"-w", "--wait"}, description = "Wait until the module's references are dropped, then remove it")
    boolean waitForUsers;

    @Option(names = {"-v", "--verbose"}, description = "Say what was done")
    boolean verbose;

    @Override
    public Integer call() {
        if (syslog) {
            return modkit.command.Syslog.open("rmmod").run(this::remove);
        }
        return remove();
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
