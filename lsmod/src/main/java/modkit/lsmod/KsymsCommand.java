package modkit.lsmod;

import java.util.List;
import java.util.concurrent.Callable;
import modkit.command.CommonOptions;
import modkit.kernel.KernelBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code modkit ksyms}: the exported symbols of the kernel and the loaded modules, as modutils' ksyms listed them.
 * modutils' -h (no header) and -m (module info) are {@code --noheader} and {@code --info} here: -h is help in every
 * modkit command, and -m was already {@code --modules-only}.
 */
@Command(name = "ksyms", mixinStandardHelpOptions = true, version = "modkit ksyms 0.1",
        description = "List the kernel's and the loaded modules' exported symbols, with owner and CRC.")
public final class KsymsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = {"-m", "--modules-only"}, description = "Only symbols of loaded modules")
    boolean modulesOnly;

    @Option(names = {"-a", "--all"}, description = {
        "All symbols (modutils' ksyms -a), module by module: also those not exported, where known: a module's "
                + "whole symbol table when the kernel recorded it, the kernel's other symbols when the profile has "
                + "them. Today's profiles and backends record exports only, so those are what -a lists."})
    boolean all;

    @Option(names = "--info", description = "Before each module's symbols, a line with its address, size and name "
            + "(modutils' ksyms -m)")
    boolean info;

    @Option(names = "--noheader", description = "Leave out the column header (modutils' ksyms -h)")
    boolean noHeader;

    @Option(names = "--json", description = "Print JSON")
    boolean json;

    @Override
    public Integer call() {
        List<Ksyms.Entry> entries;
        int ptr;
        try (KernelBackend k = common.openKernel()) {
            entries = Ksyms.list(k, new Ksyms.Request(modulesOnly, all, info), SymbolTables.RECORDED);
            ptr = k.profile().pointerSize();
        }
        System.out.print(json ? Ksyms.json(entries) : Ksyms.text(entries, ptr, !noHeader));
        return 0;
    }
}
