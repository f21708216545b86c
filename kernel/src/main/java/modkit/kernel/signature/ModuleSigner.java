package modkit.kernel.signature;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import modkit.elf.ModkitException;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignatureEncryptionAlgorithmFinder;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Signs a module as the kernel's scripts/sign-file does: a detached CMS SignedData over the ELF image, without
 * certificates and without signed attributes (sign-file's default; the kernel refuses module signatures that have
 * them), the signer named by the certificate's issuer and serial number or, with {@code keyId}, by its subject key
 * identifier (sign-file -k); then {@code struct module_signature} and the marker. An existing signature is
 * replaced: the new one covers the ELF image alone.
 */
public final class ModuleSigner {
    private static final Map<String, String> HASHES = Map.of("sha1", "SHA1", "sha224", "SHA224", "sha256", "SHA256",
            "sha384", "SHA384", "sha512", "SHA512");

    private ModuleSigner() {}

    /** A signing key and its certificate. */
    public record Key(PrivateKey privateKey, X509CertificateHolder certificate) {}

    /** The signed module: {@code module} (decompressed; any old signature dropped) with a new signature. */
    public static byte[] sign(byte[] module, Key key, String hash, boolean keyId) {
        String h = HASHES.get(hash.toLowerCase(Locale.ROOT));
        if (h == null) {
            throw new ModkitException("unknown hash algorithm '" + hash + "'", "use one of sha1, sha224, sha256, sha384, sha512");
        }
        SignatureTrailer old = SignatureTrailer.find(module);
        byte[] elf = old == null ? module : Arrays.copyOf(module, old.signedLength());
        String algo = key.privateKey().getAlgorithm();
        String sigAlgo = h + "with" + (algo.equals("EC") ? "ECDSA" : algo);
        try {
            ContentSigner signer = new JcaContentSignerBuilder(sigAlgo).build(key.privateKey());
            // The 6.1 PKCS#7 parser knows RSA only as rsaEncryption (as OpenSSL writes it), not sha256WithRSAEncryption.
            CMSSignatureEncryptionAlgorithmFinder rsaAsRsaEncryption = id -> algo.equals("RSA")
                    ? new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE) : id;
            JcaSignerInfoGeneratorBuilder b = new JcaSignerInfoGeneratorBuilder(
                    new JcaDigestCalculatorProviderBuilder().build(), rsaAsRsaEncryption).setDirectSignature(true);
            SignerInfoGenerator info;
            if (keyId) {
                byte[] skid = Keyring.subjectKeyId(key.certificate());
                if (skid == null) {
                    throw new ModkitException("the certificate has no subject key identifier, which -k names the signer by",
                            "sign without -k (issuer and serial number)");
                }
                info = b.build(signer, skid);
            } else {
                info = b.build(signer, key.certificate());
            }
            CMSSignedDataGenerator g = new CMSSignedDataGenerator();
            g.addSignerInfoGenerator(info);
            CMSSignedData cms = g.generate(new CMSProcessableByteArray(elf), false);
            return SignatureTrailer.append(elf, cms.getEncoded(ASN1Encoding.DER));
        } catch (OperatorCreationException | CMSException | IOException e) {
            throw new ModkitException("cannot sign with a " + algo + " key and " + hash + ": " + e.getMessage());
        }
    }

    /**
     * The private key of {@code keyFile} (PEM: PKCS#8, or PKCS#1 RSA / SEC1 EC) and the certificate of
     * {@code certFile} (PEM or DER); a null certFile takes the certificate from the key file, as sign-file does
     * with one PEM holding both.
     */
    public static Key readKey(Path keyFile, Path certFile) {
        String text;
        try {
            text = new String(Files.readAllBytes(keyFile), StandardCharsets.US_ASCII);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ModkitException(keyFile + ": no such file");
        } catch (IOException e) {
            throw new ModkitException(keyFile + ": cannot read: " + e.getMessage());
        }
        PrivateKey priv = null;
        X509CertificateHolder cert = null;
        try (PEMParser pem = new PEMParser(new StringReader(text))) {
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            for (Object o; (o = pem.readObject()) != null; ) {
                if (o instanceof PEMKeyPair kp && priv == null) {
                    priv = conv.getKeyPair(kp).getPrivate();
                } else if (o instanceof PrivateKeyInfo pk && priv == null) {
                    priv = conv.getPrivateKey(pk);
                } else if (o instanceof X509CertificateHolder c && cert == null) {
                    cert = c;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new ModkitException(keyFile + ": cannot read PEM: " + e.getMessage());
        }
        if (priv == null) {
            throw new ModkitException(keyFile + ": no private key in it (want PEM: PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)",
                    "an encrypted key must be decrypted first: openssl pkey -in KEY -out PLAIN.pem");
        }
        if (certFile != null) {
            cert = Keyring.readFile(certFile).getFirst();
        }
        if (cert == null) {
            throw new ModkitException(keyFile + ": no certificate in it", "give the signing certificate with --cert FILE");
        }
        return new Key(priv, cert);
    }
}
