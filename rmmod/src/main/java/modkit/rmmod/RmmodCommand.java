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

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Module names (or paths: the file name is used)")
    List<String> names;

    @Option(names = {"-f", "--force"}, description = "Remove even if referenced or permanent (needs CONFIG_MODULE_FORCE_UNLOAD; taints R)")
    boolean force;

    @Option(names = {"-w", "--wait"}, description = "Wait until the module's references are dropped, then remove it")
    boolean waitForUsers;

    @Option(names = {"-v", "--verbose"}, description = "Say what was done")
    boolean verbose;

    @Override
    public Integer call() {
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
}
