package modkit.kernel.signature;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import modkit.kernel.signature.Verification.Outcome;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;

/**
 * The kernel's verdicts (kernel/module/signing.c, crypto/asymmetric_keys/pkcs7_{parser,verify,trust}.c) on
 * modules signed here, changed, stripped and forged, and on Debian's signed modules with the certificate Debian's
 * 6.1.0-56 kernel has built in.
 */
class SignatureVerifierTest {
    static final Path CORPUS = Path.of(System.getProperty("modkit.corpus", "../../shared/corpus"));
    static final ModuleSigner.Key KEY = TestKeys.rsa("modkit test key", 0x1234);
    static final ModuleSigner.Key OTHER = TestKeys.rsa("another key", 0x1234);

    /** An ELF-looking payload; the kernel's signature check does not look inside. */
    static byte[] module() {
        byte[] m = new byte[4096];
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) (i * 31 + 7);
        }
        return m;
    }

    static Keyring ring(ModuleSigner.Key... keys) {
        return Keyring.of(Stream.of(keys).map(ModuleSigner.Key::certificate).toList());
    }

    @Test
    void signedModuleVerifiesWithItsKeyByIssuerSerialAndBySkid() {
        for (boolean skid : new boolean[] {false, true}) {
            byte[] signed = ModuleSigner.sign(module(), KEY, "sha256", skid);
            Verification v = SignatureVerifier.verify(signed, ring(OTHER, KEY));
            assertEquals(Outcome.VALID, v.outcome(), v.detail());
            assertEquals("modkit test key", v.signer());
            assertEquals("sha256", v.hash());
            assertEquals(skid ? "skid" : "serial", v.keyIdKind());
            if (!skid) {
                assertEquals("12:34", v.keyId());
            }
            assertArrayEquals(module(), Arrays.copyOf(signed, SignatureTrailer.find(signed).signedLength()));
        }
    }

    @Test
    void resigningReplacesTheOldSignature() {
        byte[] once = ModuleSigner.sign(module(), OTHER, "sha256", false);
        byte[] twice = ModuleSigner.sign(once, KEY, "sha512", false);
        assertEquals(module().length, SignatureTrailer.find(twice).signedLength());
        assertEquals(Outcome.VALID, SignatureVerifier.verify(twice, ring(KEY)).outcome());
        assertEquals("sha512", SignatureVerifier.verify(twice, ring(KEY)).hash());
    }

    @Test
    void unknownKeyIsEnokey() {
        // OTHER has the same serial but another issuer: issuer and serial together name a key.
        Verification v = SignatureVerifier.verify(ModuleSigner.sign(module(), KEY, "sha256", false), ring(OTHER));
        assertEquals(Outcome.UNKNOWN_KEY, v.outcome());
        assertEquals("ENOKEY", v.outcome().errno());
        assertEquals("module with unavailable key", v.outcome().reason());
    }

    @Test
    void oneChangedByteIsRejected() {
        byte[] signed = ModuleSigner.sign(module(), KEY, "sha256", false);
        signed[100] ^= 1;
        Verification v = SignatureVerifier.verify(signed, ring(KEY));
        assertEquals(Outcome.REJECTED, v.outcome(), v.detail());
        assertEquals("EKEYREJECTED", v.outcome().errno());
    }

    @Test
    void signatureOfAnotherKeyUnderAKnownNameIsRejected() {
        // Forged: signed with OTHER's private key but naming KEY's certificate (issuer and serial).
        byte[] forged = ModuleSigner.sign(module(), new ModuleSigner.Key(OTHER.privateKey(), KEY.certificate()), "sha256", false);
        assertEquals(Outcome.REJECTED, SignatureVerifier.verify(forged, ring(KEY)).outcome());
    }

    @Test
    void junkSignatureIsEbadmsg() {
        byte[] junk = new byte[300];
        Arrays.fill(junk, (byte) 0x5a);
        Verification v = SignatureVerifier.verify(SignatureTrailer.append(module(), junk), ring(KEY));
        assertEquals(Outcome.BAD_MESSAGE, v.outcome(), v.detail());
        assertEquals("EBADMSG", v.outcome().errno());
    }

    @Test
    void unsignedIsEnodata() {
        Verification v = SignatureVerifier.verify(module(), ring(KEY));
        assertEquals(Outcome.UNSIGNED, v.outcome());
        assertEquals("unsigned module", v.outcome().reason());
    }

    @Test
    void recordChecksOfModCheckSig() {
        byte[] signed = ModuleSigner.sign(module(), KEY, "sha256", false);
        int info = signed.length - SignatureTrailer.MARKER.length() - SignatureTrailer.INFO_SIZE;
        byte[] pgp = signed.clone();
        pgp[info + 2] = 0; // PKEY_ID_PGP
        assertEquals(Outcome.UNSUPPORTED, SignatureVerifier.verify(pgp, ring(KEY)).outcome());
        byte[] pad = signed.clone();
        pad[info + 6] = 1; // __pad[1]
        assertEquals(Outcome.BAD_MESSAGE, SignatureVerifier.verify(pad, ring(KEY)).outcome());
        byte[] huge = signed.clone();
        huge[info + 8] = 0x7f; // sig_len past the start of the file
        assertEquals(Outcome.BAD_MESSAGE, SignatureVerifier.verify(huge, ring(KEY)).outcome());
    }

    @Test
    void signedAttributesAreRejected() throws Exception {
        // sign-file adds signed attributes only when asked (its use_signed_attrs); pkcs7_verify refuses them for modules.
        CMSSignedDataGenerator g = new CMSSignedDataGenerator();
        g.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build(),
                        id -> new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(KEY.privateKey()), KEY.certificate()));
        byte[] cms = g.generate(new CMSProcessableByteArray(module()), false).getEncoded(ASN1Encoding.DER);
        Verification v = SignatureVerifier.verify(SignatureTrailer.append(module(), cms), ring(KEY));
        assertEquals(Outcome.REJECTED, v.outcome(), v.detail());
    }

    @Test
    void withoutAKeyringASoundSignatureIsUnchecked() {
        assertEquals(Outcome.UNCHECKED, SignatureVerifier.verify(ModuleSigner.sign(module(), KEY, "sha256", false), null).outcome());
    }

    static List<X509CertificateHolder> debianCertificates() {
        Path kernels = CORPUS.resolve("../kernels/amd64-6.1.0-56");
        assumeTrue(Files.isDirectory(kernels) && Files.isDirectory(CORPUS.resolve("amd64-6.1")),
                "Debian's kernel and module corpus not found beside " + CORPUS);
        return KernelCertificates.extract(kernels.resolve("vmlinuz-6.1.0-56-amd64"),
                KernelCertificates.readSystemMap(CORPUS.resolve("amd64-6.1/System.map-6.1.0-56-amd64.gz")));
    }

    @Test
    void debiansKernelHasItsModuleSigningCertificateBuiltIn() {
        List<X509CertificateHolder> certs = debianCertificates();
        assertEquals(1, certs.size());
        assertEquals("Build time autogenerated kernel key", SignatureVerifier.commonName(certs.getFirst().getSubject()));
    }

    @Test
    void everyDebianCorpusModuleVerifiesWithDebiansCertificate() throws IOException {
        Keyring debian = Keyring.of(debianCertificates());
        List<Path> modules;
        try (Stream<Path> s = Stream.concat(Files.walk(CORPUS.resolve("amd64-6.1/kernel")),
                Files.list(CORPUS.resolve("../kernels/amd64-6.1.0-56/boot-modules")))) {
            modules = s.filter(p -> p.toString().endsWith(".ko")).toList();
        }
        assertEquals(54, modules.size());
        for (Path m : modules) {
            byte[] data = Files.readAllBytes(m);
            Verification v = SignatureVerifier.verify(data, debian);
            assertEquals(Outcome.VALID, v.outcome(), m + ": " + v.detail());
            assertEquals("Build time autogenerated kernel key", v.signer());
            assertEquals("sha256", v.hash());
            data[data.length / 3] ^= 1;
            assertEquals(Outcome.REJECTED, SignatureVerifier.verify(data, debian).outcome(), m + " with one byte changed");
            assertTrue(SignatureVerifier.verify(Files.readAllBytes(m), ring(KEY)).outcome() == Outcome.UNKNOWN_KEY);
        }
    }
}
