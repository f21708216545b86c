package modkit.lsmod;

import java.util.List;
import java.util.concurrent.Callable;
import modkit.command.CommonOptions;
import modkit.kernel.LoadedModule;
import modkit.kernel.KernelBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lsmod}: the module list in kmod's format ({@code %-19s %8ld  %d} and the holders). */
@Command(name = "lsmod", mixinStandardHelpOptions = true, version = "modkit lsmod 0.1",
        description = "Show the modules loaded in the kernel (simulated, or with --backend linux the running one).")
public final class LsmodCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--json", description = "Print JSON")
    boolean json;

    @Override
    public Integer call() {
        List<LoadedModule> modules;
        String arch;
        try (KernelBackend kernel = common.openKernel()) {
            modules = kernel.modules();
            arch = kernel.arch();
        }
        System.out.print(json ? Lsmod.json(modules) : Lsmod.text(modules, arch));
        return 0;
    }
}
