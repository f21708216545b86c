package modkit.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import modkit.kernel.KernelProfile;
import modkit.kernel.ProfileFile;
import modkit.kernel.ProfileImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code modkit profile import}: makes a kernel profile from a real kernel's files. */
@Command(name = "profile", mixinStandardHelpOptions = true, description = "Kernel profiles.",
        subcommands = {ProfileCommand.Import.class})
public final class ProfileCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.err);
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Make a kernel profile from System.map (or kallsyms), Module.symvers and the config.")
    static final class Import implements Callable<Integer> {
        @Option(names = "--system-map", required = true, paramLabel = "FILE", description = "System.map or /proc/kallsyms text (may be .gz)")
        Path systemMap;

        @Option(names = "--symvers", required = true, paramLabel = "FILE", description = "Module.symvers (may be .gz)")
        Path symvers;

        @Option(names = "--config", paramLabel = "FILE", description = "The kernel's .config; without it the Kconfig defaults apply")
        Path config;

        @Option(names = "--release", paramLabel = "R", description = "uname -r of the kernel (default: from System.map-R)")
        String release;

        @Option(names = "--arch", paramLabel = "ARCH", description = "x86_64, i386, m68k or ia64 (default: from the config)")
        String arch;

        @Option(names = "--vermagic", paramLabel = "STRING", description = "Override the vermagic built from the config")
        String vermagic;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "PROFILE", description = "Profile to write (.gz to compress)")
        Path output;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "Set a profile option the files do not show (repeatable), e.g. MODKIT_MODULE_AREA_RESERVED=0x201000")
        Map<String, String> set = new LinkedHashMap<>();

        @Override
        public Integer call() {
            KernelProfile p = ProfileImport.run(new ProfileImport.Request(systemMap, symvers, config, release, arch, vermagic))
                    .withConfig(set);
            ProfileFile.write(p, output);
            System.out.println(output + ": " + p.arch() + " " + p.release() + ", " + p.symbols().size()
                    + " exported symbols, vermagic '" + p.vermagic() + "'");
            return 0;
        }
    }
}
