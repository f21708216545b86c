package modkit.lsmod;

import java.util.List;
import modkit.command.CommonOptions;
import modkit.command.Getopt;
import modkit.command.OptionTable;
import modkit.command.OptionTable.Opt;
import modkit.kernel.KernelBackend;
import modkit.kernel.LoadedModule;

/** {@code lsmod}: the module list in kmod's format ({@code %-19s %8ld  %d} and the holders). */
public final class LsmodCommand {
    private static final Opt JSON = Opt.flag("Print JSON", "--json");

    public static final OptionTable OPTIONS = new OptionTable("lsmod", "modkit lsmod 0.1",
            "Show the modules loaded in the kernel (simulated, or with --backend linux the running one).",
            CommonOptions.with(JSON), List.of());

    private LsmodCommand() {}

    public static int run(String... args) {
        return OPTIONS.run(args, a -> {
            if (!a.operands().isEmpty()) {
                throw new Getopt.UsageException("unexpected argument '" + a.operands().getFirst() + "'");
            }
            List<LoadedModule> modules;
            String arch;
            try (KernelBackend kernel = CommonOptions.of(a).openKernel()) {
                modules = kernel.modules();
                arch = kernel.arch();
            }
            System.out.print(a.has(JSON) ? Lsmod.json(modules) : Lsmod.text(modules, arch));
            return 0;
        });
    }
}
