package modkit.kernel.signature;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import modkit.kernel.signature.Verification.Outcome;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerId;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.Selector;

/**
 * Checks a module's signature as Linux 6.1 does ({@code module_sig_check} → {@code mod_verify_sig} →
 * {@code verify_pkcs7_signature}: {@code pkcs7_parse_message}, {@code pkcs7_verify}, {@code pkcs7_validate_trust}),
 * with BouncyCastle's CMS for the PKCS#7 part. The kernel's errors, in its order:
 * <ul>
 * <li>no marker: unsigned (ENODATA); a bad {@code struct module_signature}: EBADMSG, or ENOPKG for a non-PKCS#7 id;
 * <li>a blob that does not parse as a detached PKCS#7 SignedData, or has no signer: EBADMSG;
 * <li>a digest or public-key algorithm the kernel does not know: ENOPKG;
 * <li>content that is not id-data, or authenticated attributes (module signatures have none): EKEYREJECTED;
 * <li>a signer certificate carried in the message whose key does not verify the signature: EKEYREJECTED;
 * <li>no keyring key matching the signer's issuer and serial (or subject key id): ENOKEY;
 * <li>a keyring key that does not verify the signature (a changed module, another key's signature): EKEYREJECTED.
 * </ul>
 */
public final class SignatureVerifier {
    /** Digests the 6.1 PKCS#7 parser knows (pkcs7_sig_note_digest_algo), by OID. */
    private static final Map<String, String> DIGESTS = Map.of(
            "1.2.840.113549.2.4", "md4", "1.2.840.113549.2.5", "md5", "1.3.14.3.2.26", "sha1",
            "2.16.840.1.101.3.4.2.1", "sha256", "2.16.840.1.101.3.4.2.2", "sha384", "2.16.840.1.101.3.4.2.3", "sha512",
            "2.16.840.1.101.3.4.2.4", "sha224", "1.2.156.10197.1.401", "sm3",
            "1.2.643.7.1.1.2.2", "streebog256", "1.2.643.7.1.1.2.3", "streebog512");
    /** Public-key algorithms it knows (pkcs7_sig_note_pkey_algo): RSA, ECDSA with SHA-1/2, SM2, GOST. */
    private static final List<String> PKEY_ALGOS = List.of(
            "1.2.840.113549.1.1.1", "1.2.840.10045.4.1", "1.2.840.10045.4.3.1", "1.2.840.10045.4.3.2",
            "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4", "1.2.156.10197.1.501", "1.2.643.7.1.1.1.1", "1.2.643.7.1.1.1.2");
    private static final String ID_DATA = "1.2.840.113549.1.7.1";

    private SignatureVerifier() {}

    /**
     * The kernel's verdict on {@code module} (decompressed, trailer included) against {@code keyring}; with a null
     * keyring (the kernel's keys are not known here) a sound signature is {@link Outcome#UNCHECKED}.
     */
    public static Verification verify(byte[] module, Keyring keyring) {
        SignatureTrailer t = SignatureTrailer.find(module);
        if (t == null) {
            return Verification.of(Outcome.UNSIGNED, "no signature");
        }
        if (t.problem() != null) {
            return Verification.of(t.errno().equals("ENOPKG") ? Outcome.UNSUPPORTED : Outcome.BAD_MESSAGE, t.problem());
        }
        return verifyPkcs7(module, t.signedLength(), t.pkcs7(), keyring);
    }

    /** The verdict on a detached PKCS#7 signature {@code pkcs7} of {@code data[0, length)}. */
    public static Verification verifyPkcs7(byte[] data, int length, byte[] pkcs7, Keyring keyring) {
        CMSSignedData cms;
        try {
            if (new CMSSignedData(pkcs7).getSignedContent() != null) {
                return Verification.of(Outcome.BAD_MESSAGE, "PKCS#7 signature with non-detached data");
            }
            cms = new CMSSignedData(new CMSProcessableByteArray(java.util.Arrays.copyOf(data, length)), pkcs7);
        } catch (CMSException | RuntimeException e) {
            return Verification.of(Outcome.BAD_MESSAGE, "the signature is not a PKCS#7 SignedData message ("
                    + oneLine(e) + ")");
        }
        Collection<SignerInformation> signers = cms.getSignerInfos().getSigners();
        if (signers.isEmpty()) {
            return Verification.of(Outcome.BAD_MESSAGE, "the PKCS#7 message has no signer");
        }
        List<Verification> each = new ArrayList<>();
        for (SignerInformation s : signers) {
            Verification v = describe(s, keyring);
            String digest = DIGESTS.get(s.getDigestAlgOID());
            if (digest == null) {
                return v.with(Outcome.UNSUPPORTED, "unsupported digest algorithm " + s.getDigestAlgOID());
            }
            if (!PKEY_ALGOS.contains(s.getEncryptionAlgOID())) {
                return v.with(Outcome.UNSUPPORTED, "unsupported public-key algorithm " + s.getEncryptionAlgOID());
            }
            each.add(v);
        }
        if (!ID_DATA.equals(cms.getSignedContentTypeOID())) {
            return each.getFirst().with(Outcome.REJECTED, "invalid module signature: content is not pkcs7-data");
        }
        int i = 0;
        for (SignerInformation s : signers) {
            if (s.getSignedAttributes() != null) {
                return each.get(i).with(Outcome.REJECTED, "invalid module signature: it has authenticated attributes");
            }
            i++;
        }
        // pkcs7_verify: a signer certificate carried in the message must verify the signature.
        i = 0;
        for (SignerInformation s : signers) {
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> carried = cms.getCertificates().getMatches((Selector<X509CertificateHolder>) (Selector<?>) s.getSID());
            if (!carried.isEmpty() && !verifies(s, carried.iterator().next())) {
                return each.get(i).with(Outcome.REJECTED, "the signature does not verify with the certificate it carries");
            }
            i++;
        }
        if (keyring == null) {
            return each.getFirst().with(Outcome.UNCHECKED, "the kernel's keys are not known here");
        }
        // pkcs7_validate_trust: a rejected signer decides; else any trusted one; else no key.
        Verification best = null;
        i = 0;
        for (SignerInformation s : signers) {
            Verification v = each.get(i++);
            X509CertificateHolder key = find(keyring, s.getSID());
            if (key == null) {
                best = best == null ? v.with(Outcome.UNKNOWN_KEY, "no key in the keyring matches " + v.keyIdKind() + " " + v.keyId()
                        + (v.keyIdKind().equals("serial") ? " of issuer '" + v.signer() + "'" : "")) : best;
                continue;
            }
            if (!verifies(s, key)) {
                return v.with(Outcome.REJECTED, "the signature does not match the module's " + v.hash()
                        + " digest under the key of '" + commonName(key.getSubject()) + "' (the module was changed, or another key signed it)");
            }
            if (best == null || !best.valid()) {
                best = v.with(Outcome.VALID, "");
            }
        }
        return best;
    }

    private static X509CertificateHolder find(Keyring keyring, SignerId sid) {
        if (sid.getSubjectKeyIdentifier() != null) {
            return keyring.bySubjectKeyId(sid.getSubjectKeyIdentifier());
        }
        return keyring.byIssuerSerial(sid.getIssuer(), sid.getSerialNumber());
    }

    private static boolean verifies(SignerInformation s, X509CertificateHolder cert) {
        try {
            return s.verify(new JcaSimpleSignerInfoVerifierBuilder().build(cert));
        } catch (CMSException | OperatorCreationException | java.security.cert.CertificateException | RuntimeException e) {
            return false; // pkcs7_validate_trust_one: any verify error is EKEYREJECTED
        }
    }

    private static Verification describe(SignerInformation s, Keyring keyring) {
        SignerId sid = s.getSID();
        String hash = DIGESTS.getOrDefault(s.getDigestAlgOID(), s.getDigestAlgOID());
        X509CertificateHolder key = keyring == null ? null : find(keyring, sid);
        if (sid.getSubjectKeyIdentifier() != null) {
            String signer = key == null ? null : commonName(key.getSubject());
            return new Verification(Outcome.VALID, "", signer, hex(sid.getSubjectKeyIdentifier(), false), "skid", hash);
        }
        String signer = key != null ? commonName(key.getSubject()) : sid.getIssuer() == null ? null : commonName(sid.getIssuer());
        return new Verification(Outcome.VALID, "", signer, hex(sid.getSerialNumber().toByteArray(), true), "serial", hash);
    }

    /**
     * The common name of {@code name} as the certificate holds it (kmod's modinfo prints it so), else the whole name
     * as text. Not RFC 4514's escaped form: a name with a quote or comma is shown as it is.
     */
    public static String commonName(X500Name name) {
        RDN[] cn = name.getRDNs(BCStyle.CN);
        if (cn.length == 0) {
            return name.toString();
        }
        ASN1Encodable value = cn[0].getFirst().getValue();
        return value instanceof ASN1String s ? s.getString() : IETFUtils.valueToString(value);
    }

    /** Upper-case hex pairs joined by ':', as kmod prints sig_key; a serial's leading sign byte dropped. */
    public static String hex(byte[] b, boolean serial) {
        int from = serial && b.length > 1 && b[0] == 0 ? 1 : 0;
        StringBuilder out = new StringBuilder();
        HexFormat h = HexFormat.of().withUpperCase();
        for (int i = from; i < b.length; i++) {
            out.append(out.isEmpty() ? "" : ":").append(h.toHexDigits(b[i]));
        }
        return out.toString();
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
