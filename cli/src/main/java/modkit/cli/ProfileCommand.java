package modkit.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import modkit.kernel.KernelProfile;
import modkit.kernel.ProfileFile;
import modkit.kernel.ProfileImport;
import modkit.kernel.signature.KernelCertificates;
import modkit.kernel.signature.Keyring;
import org.bouncycastle.cert.X509CertificateHolder;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/** {@code modkit profile import}: makes a kernel profile from a real kernel's files. */
@Command(name = "profile", mixinStandardHelpOptions = true, description = "Kernel profiles.")
public final class ProfileCommand implements Runnable, CommandGroup {
    @Spec
    CommandSpec spec;

    @Override
    public Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> subs = new LinkedHashMap<>();
        subs.put("import", Import::new);
        return subs;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
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

        @Option(names = "--arch", paramLabel = "ARCH", completionCandidates = ArchNames.class,
                description = "One of ${COMPLETION-CANDIDATES} (default: from the config)")
        String arch;

        @Option(names = "--vermagic", paramLabel = "STRING", description = "Override the vermagic built from the config")
        String vermagic;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "PROFILE", description = "Profile to write (.gz to compress)")
        Path output;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "Set a profile option the files do not show (repeatable), e.g. MODKIT_MODULE_AREA_RESERVED=0x201000")
        Map<String, String> set = new LinkedHashMap<>();

        @Option(names = "--certs", arity = "1..*", paramLabel = "FILE",
                description = "The kernel's built-in trusted certificates (DER or PEM), which module signatures are checked against")
        List<Path> certs = new ArrayList<>();

        @Option(names = "--vmlinuz", paramLabel = "FILE",
                description = "Take the built-in certificates from the kernel image (vmlinuz or vmlinux; its System.map locates them)")
        Path vmlinuz;

        @Override
        public Integer call() {
            KernelProfile p = ProfileImport.run(new ProfileImport.Request(systemMap, symvers, config, release, arch, vermagic))
                    .withConfig(set);
            List<X509CertificateHolder> trusted = new ArrayList<>();
            if (vmlinuz != null) {
                trusted.addAll(KernelCertificates.extract(vmlinuz, KernelCertificates.readSystemMap(systemMap)));
            }
            for (Path f : certs) {
                trusted.addAll(Keyring.readFile(f));
            }
            if (vmlinuz != null || !certs.isEmpty()) {
                List<byte[]> ders = new ArrayList<>();
                for (X509CertificateHolder c : trusted) {
                    try {
                        ders.add(c.getEncoded());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                p = p.withCertificates(ders);
            }
            ProfileFile.write(p, output);
            System.out.println(output + ": " + p.arch() + " " + p.release() + ", " + p.symbols().size()
                    + " exported symbols, vermagic '" + p.vermagic() + "'"
                    + (p.certificates() == null ? "" : ", " + p.certificates().size() + " trusted certificate"
                            + (p.certificates().size() == 1 ? "" : "s")));
            return 0;
        }
    }

    /** The architectures modkit links, as {@code --arch} takes them: the list comes from {@code arch/}. */
    static final class ArchNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return modkit.arch.Arches.all().stream().map(modkit.arch.Arch::name).iterator();
        }
    }
}
