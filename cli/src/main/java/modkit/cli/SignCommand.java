package modkit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import modkit.command.Json;
import modkit.elf.Compression;
import modkit.elf.ModkitException;
import modkit.kernel.signature.Keyring;
import modkit.kernel.signature.ModuleSigner;
import modkit.kernel.signature.SignatureVerifier;
import modkit.kernel.signature.Verification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code modkit sign}: what the kernel's scripts/sign-file does (kmod has no signing command): appends a detached
 * PKCS#7 signature, the module_signature record and the marker.
 */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = {"Sign a module as the kernel's scripts/sign-file does (PKCS#7, no attributes, no certificates).",
            "A signed module is signed anew; a compressed one is written uncompressed."})
public final class SignCommand implements Callable<Integer> {
    @Option(names = "--hash", paramLabel = "ALGO", description = "Digest: sha1, sha224, sha256 (default), sha384, sha512")
    String hash = "sha256";

    @Option(names = "--key", required = true, paramLabel = "KEY.pem", description = "Private key (PEM); may also hold the certificate")
    Path key;

    @Option(names = "--cert", paramLabel = "CERT", description = "Signing certificate, PEM or DER (default: the one in --key)")
    Path cert;

    @Option(names = "-k", description = "Name the signer by subject key identifier instead of issuer and serial number")
    boolean keyId;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Write here (default: replace MODULE)")
    Path output;

    @Option(names = "--json", description = "Say what was signed as JSON")
    boolean json;

    @Parameters(paramLabel = "MODULE")
    Path module;

    @Override
    public Integer call() {
        ModuleSigner.Key k = ModuleSigner.readKey(key, cert);
        byte[] raw = readRaw(module);
        Compression compression = Compression.detect(raw);
        byte[] signed = ModuleSigner.sign(compression.decompress(module.toString(), raw), k, hash, keyId);
        Path out = output != null ? output : module;
        if (output == null && compression != Compression.NONE) {
            throw new ModkitException(module + ": compressed; signing writes the module uncompressed",
                    "give the output file with -o MODULE.ko (the kernel checks the signature after decompressing)");
        }
        try {
            Files.write(out, signed);
        } catch (IOException e) {
            throw new ModkitException(out + ": cannot write: " + e.getMessage());
        }
        Verification v = SignatureVerifier.verify(signed, Keyring.of(java.util.List.of(k.certificate())));
        if (!v.valid()) {
            throw new IllegalStateException(out + ": the new signature does not verify with its own certificate: " + v.detail());
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", out.toString());
            m.put("signer", v.signer());
            m.put("key_id", v.keyId());
            m.put("key_id_type", v.keyIdKind());
            m.put("hash", v.hash());
            m.put("signed_bytes", signedLength(signed));
            m.put("size", signed.length);
            System.out.print(Json.write(m));
        } else {
            System.out.println(out + ": signed by '" + v.signer() + "', " + (keyId ? "key id " : "serial ") + v.keyId() + ", " + v.hash());
        }
        return 0;
    }

    private static int signedLength(byte[] signed) {
        return modkit.kernel.signature.SignatureTrailer.find(signed).signedLength();
    }

    private static byte[] readRaw(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ModkitException(f + ": no such file");
        } catch (IOException e) {
            throw new ModkitException(f + ": cannot read: " + e.getMessage());
        }
    }
}
