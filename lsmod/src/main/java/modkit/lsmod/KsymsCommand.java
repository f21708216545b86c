package modkit.lsmod;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import modkit.command.CommonOptions;
import modkit.kernel.KernelSymbol;
import modkit.kernel.KernelBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code modkit ksyms}: every exported symbol of the kernel and the loaded modules, as modutils' ksyms listed them. */
@Command(name = "ksyms", mixinStandardHelpOptions = true, version = "modkit ksyms 0.1",
        description = "List the kernel's and the loaded modules' exported symbols, with owner and CRC.")
public final class KsymsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = {"-m", "--modules-only"}, description = "Only symbols exported by loaded modules")
    boolean modulesOnly;

    @Option(names = "--json", description = "Print JSON")
    boolean json;

    @Override
    public Integer call() {
        List<KernelSymbol> all = new ArrayList<>();
        int ptr;
        try (KernelBackend k = common.openKernel()) {
            if (!modulesOnly) {
                List<KernelSymbol> vmlinux = new ArrayList<>(k.profile().symbols().all());
                vmlinux.sort(Comparator.comparing(KernelSymbol::name));
                all.addAll(vmlinux);
            }
            all.addAll(k.moduleExports());
            ptr = k.profile().pointerSize();
        }
        System.out.print(json ? Ksyms.json(all) : Ksyms.text(all, ptr));
        return 0;
    }
}
