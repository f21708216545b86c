package modkit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import modkit.command.Json;
import modkit.elf.Compression;
import modkit.elf.ModkitException;
import modkit.kernel.KernelProfile;
import modkit.kernel.ProfileFile;
import modkit.kernel.signature.Keyring;
import modkit.kernel.signature.SignatureVerifier;
import modkit.kernel.signature.Verification;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modkit verify}: checks module signatures offline, as the kernel's module_sig_check would. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check module signatures as the kernel would, offline: signer, key id, hash, and valid or why not.",
            "The keys are the built-in certificates of the kernel profile (default: the embedded Debian 6.1.0-56-amd64)"
                    + " or the certificates of --keyring DIR. Exit 0 if every module verifies, else 1."})
public final class VerifyCommand implements Callable<Integer> {
    static final class Keys {
        @Option(names = "--keyring", paramLabel = "DIR", description = "Trust the certificates in DIR (*.der, *.x509, *.cer, *.crt, *.pem)")
        Path keyring;

        @Option(names = "--kernel", paramLabel = "PROFILE", description = "Trust the built-in certificates of this kernel profile")
        Path kernel;
    }

    @ArgGroup(exclusive = true)
    Keys keys = new Keys();

    @Option(names = "--json", description = "One JSON object per module")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Modules (.ko, .ko.xz, .ko.gz, .ko.zst)")
    List<Path> files;

    @Override
    public Integer call() {
        Keyring keyring = keyring();
        List<Object> out = new ArrayList<>();
        boolean allValid = true;
        for (Path f : files) {
            Verification v = SignatureVerifier.verify(decompressed(f), keyring);
            allValid &= v.valid();
            if (json) {
                out.add(toJson(f, v));
            } else {
                System.out.println(line(f, v));
            }
        }
        if (json) {
            System.out.print(Json.write(out));
        }
        return allValid ? 0 : 1;
    }

    private Keyring keyring() {
        if (keys.keyring != null) {
            return Keyring.readDirectory(keys.keyring);
        }
        KernelProfile p = keys.kernel != null ? ProfileFile.read(keys.kernel) : ProfileFile.embeddedDefault();
        Keyring k = p.keyring();
        if (k == null) {
            throw new ModkitException((keys.kernel != null ? keys.kernel.toString() : "the default profile")
                    + ": the kernel profile has no built-in certificates to check signatures against",
                    "make it with: modkit profile import --vmlinuz FILE (or --certs FILE), or use --keyring DIR");
        }
        return k;
    }

    static byte[] decompressed(Path f) {
        try {
            byte[] raw = Files.readAllBytes(f);
            return Compression.detect(raw).decompress(f.toString(), raw);
        } catch (NoSuchFileException e) {
            throw new ModkitException(f + ": no such file");
        } catch (IOException e) {
            throw new ModkitException(f + ": cannot read: " + e.getMessage());
        }
    }

    static String line(Path f, Verification v) {
        StringBuilder b = new StringBuilder(f.toString()).append(": ");
        if (v.valid()) {
            b.append("valid");
        } else {
            String errno = v.outcome().errno();
            b.append(v.outcome() == Verification.Outcome.UNSIGNED ? "unsigned" : "invalid")
                    .append(" (").append(errno).append(v.outcome().tolerable() ? ", refused only under enforcement" : "")
                    .append("): ").append(v.detail());
        }
        if (v.signer() != null || v.keyId() != null) {
            b.append(v.valid() ? ": " : "; ").append("signer '").append(v.signer()).append("', ")
                    .append(v.keyIdKind().equals("skid") ? "key id " : "serial ").append(v.keyId()).append(", ").append(v.hash());
        }
        return b.toString();
    }

    static Map<String, Object> toJson(Path f, Verification v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", f.toString());
        m.put("valid", v.valid());
        m.put("errno", v.outcome().errno());
        m.put("kernel_reason", v.outcome().reason());
        m.put("detail", v.detail());
        m.put("signer", v.signer());
        m.put("key_id", v.keyId());
        m.put("key_id_type", v.keyIdKind());
        m.put("hash", v.hash());
        return m;
    }
}
