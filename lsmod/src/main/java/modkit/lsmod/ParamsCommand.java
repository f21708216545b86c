package modkit.lsmod;

import java.util.Map;
import java.util.concurrent.Callable;
import modkit.command.CommonOptions;
import modkit.command.Json;
import modkit.elf.ModuleNames;
import modkit.kernel.KernelBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code modkit params NAME}: a loaded module's parameters and their values, as /sys/module/NAME/parameters shows
 * them (the simulated kernel reads them from the module's memory; Linux from sysfs).
 */
@Command(name = "params", mixinStandardHelpOptions = true,
        description = "A loaded module's parameters and their values (like /sys/module/NAME/parameters).")
public class ParamsCommand implements Callable<Integer> {
    @Mixin
    protected CommonOptions common;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = {"-a", "--all"}, description = "Also parameters with permission 0, which sysfs does not show (simulated kernel only)")
    boolean all;

    @Option(names = "--json", description = "Print JSON")
    boolean json;

    @Override
    public Integer call() {
        Map<String, String> values;
        try (KernelBackend k = open()) {
            values = k.parameters(ModuleNames.underscores(name), all);
        }
        System.out.print(text(values, json));
        return 0;
    }

    /** The kernel to read (the chosen backend). */
    protected KernelBackend open() {
        return common.openKernel();
    }

    /** "NAME=VALUE" lines, or a JSON object. */
    public static String text(Map<String, String> values, boolean json) {
        if (json) {
            return Json.write(values);
        }
        StringBuilder b = new StringBuilder();
        values.forEach((p, v) -> b.append(p).append('=').append(v).append('\n'));
        return b.toString();
    }
}
