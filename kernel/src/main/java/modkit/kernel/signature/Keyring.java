package modkit.kernel.signature;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import modkit.elf.ModkitException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;

/**
 * The keys a kernel trusts for module signatures: the X.509 certificates built into it (the
 * {@code .builtin_trusted_keys} keyring), or those of a directory. A PKCS#7 signer is found as the kernel's
 * {@code x509_request_asymmetric_key} finds it: by the certificate's issuer and serial number, or by its subject
 * key identifier.
 */
public final class Keyring {
    private final List<X509CertificateHolder> certs;

    private Keyring(List<X509CertificateHolder> certs) {
        this.certs = List.copyOf(certs);
    }

    public static Keyring of(List<X509CertificateHolder> certs) {
        return new Keyring(certs);
    }

    /** Certificates in DER, as a kernel profile keeps them; {@code where} names their source in messages. */
    public static Keyring fromDer(String where, List<byte[]> ders) {
        List<X509CertificateHolder> out = new ArrayList<>();
        for (byte[] der : ders) {
            out.add(parseDer(where, der));
        }
        return new Keyring(out);
    }

    static X509CertificateHolder parseDer(String where, byte[] der) {
        try {
            return new X509CertificateHolder(der);
        } catch (IOException | RuntimeException e) {
            throw new ModkitException(where + ": not an X.509 certificate in DER: " + e.getMessage());
        }
    }

    /** Every certificate in the files of {@code dir} named *.der, *.x509, *.cer, *.crt or *.pem (sorted by name). */
    public static Keyring readDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModkitException(dir + ": not a directory", "--keyring takes a directory of .der, .x509, .crt or .pem files");
        }
        List<X509CertificateHolder> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
                if (Files.isRegularFile(f) && (n.endsWith(".der") || n.endsWith(".x509") || n.endsWith(".cer")
                        || n.endsWith(".crt") || n.endsWith(".pem"))) {
                    out.addAll(readFile(f));
                }
            }
        } catch (IOException e) {
            throw new ModkitException(dir + ": cannot list: " + e.getMessage());
        }
        return new Keyring(out);
    }

    /** The certificates of one file: PEM (one or more CERTIFICATE blocks) or a single DER certificate. */
    public static List<X509CertificateHolder> readFile(Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ModkitException(file + ": no such file");
        } catch (IOException e) {
            throw new ModkitException(file + ": cannot read: " + e.getMessage());
        }
        if (data.length > 0 && data[0] == 0x30) {
            return List.of(parseDer(file.toString(), data));
        }
        List<X509CertificateHolder> out = new ArrayList<>();
        try (PEMParser pem = new PEMParser(new StringReader(new String(data, StandardCharsets.US_ASCII)))) {
            for (Object o; (o = pem.readObject()) != null; ) {
                if (o instanceof X509CertificateHolder c) {
                    out.add(c);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new ModkitException(file + ": cannot read PEM: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new ModkitException(file + ": no certificate in it (want DER, or PEM with a CERTIFICATE block)");
        }
        return out;
    }

    public List<X509CertificateHolder> certificates() {
        return certs;
    }

    public boolean isEmpty() {
        return certs.isEmpty();
    }

    /** The certificate with this issuer and serial number, or null. */
    public X509CertificateHolder byIssuerSerial(X500Name issuer, java.math.BigInteger serial) {
        for (X509CertificateHolder c : certs) {
            if (c.getSerialNumber().equals(serial) && c.getIssuer().equals(issuer)) {
                return c;
            }
        }
        return null;
    }

    /** The certificate with this subject key identifier, or null. */
    public X509CertificateHolder bySubjectKeyId(byte[] skid) {
        for (X509CertificateHolder c : certs) {
            byte[] mine = subjectKeyId(c);
            if (mine != null && Arrays.equals(mine, skid)) {
                return c;
            }
        }
        return null;
    }

    /** The certificate's subject key identifier, or null if it has none. */
    public static byte[] subjectKeyId(X509CertificateHolder c) {
        Extension e = c.getExtension(Extension.subjectKeyIdentifier);
        return e == null ? null : SubjectKeyIdentifier.getInstance(e.getParsedValue()).getKeyIdentifier();
    }
}
