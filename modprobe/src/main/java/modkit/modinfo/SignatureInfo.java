package modkit.modinfo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import modkit.elf.ModInfo;
import modkit.elf.ModuleSignature;

/**
 * The signature fields modinfo prints for a signed module, as kmod derives them from the PKCS#7 blob of the
 * signature trailer: {@code sig_id} (the trailer's id type), {@code signer} (the common name of the signer's
 * certificate issuer), {@code sig_key} (the certificate serial number), {@code sig_hashalgo} (the digest
 * algorithm) and {@code signature} (the signer's encrypted digest). The two byte strings are printed as kmod
 * prints them: upper-case hex pairs joined by ':', a line break and two tabs after every 20 bytes.
 *
 * <p>The PKCS#7 part is read with a minimal DER walker: ContentInfo -> [0] SignedData -> signerInfos, first
 * SignerInfo -> issuerAndSerialNumber, digestAlgorithm, encryptedDigest.
 *
 * <p>The older trailers (id type PGP or X509, before kernel 4.3) carry the fields themselves, in front of the
 * signature: {@code [signer, signer_len bytes][key id, key_id_len bytes][signature, sig_len bytes]}; kmod prints
 * the signer as it is, the key id and signature as hex, and the hash from {@code module_signature.hash}
 * (libkmod-signature.c, {@code fill_default}).
 */
public final class SignatureInfo {
    private static final String[] ID_TYPES = {"PGP", "X509", "PKCS#7"};
    /** libkmod-signature.c's pkey_hash_algo, indexed by {@code module_signature.hash}. */
    private static final String[] HASH_NAMES = {"md4", "md5", "sha1", "rmd160", "sha256", "sha384", "sha512", "sha224", "sm3"};
    /** Number of {@code module_signature.algo} values kmod knows (DSA, RSA). */
    private static final int PKEY_ALGO_LAST = 2;
    private static final Map<String, String> HASHES = Map.of(
            "1.2.840.113549.2.4", "md4", "1.2.840.113549.2.5", "md5", "1.3.14.3.2.26", "sha1",
            "1.3.36.3.2.1", "rmd160", "2.16.840.1.101.3.4.2.1", "sha256", "2.16.840.1.101.3.4.2.2", "sha384",
            "2.16.840.1.101.3.4.2.3", "sha512", "2.16.840.1.101.3.4.2.4", "sha224", "1.2.156.10197.1.401", "sm3");
    private static final String OID_COMMON_NAME = "2.5.4.3";

    private SignatureInfo() {}

    /**
     * The signature entries of a decompressed module image, in kmod's order; empty if the module is unsigned or its
     * signature cannot be decoded (kmod then prints no signature fields either).
     */
    public static List<ModInfo.Entry> entries(String file, byte[] image) {
        ModuleSignature sig;
        try {
            sig = ModuleSignature.find(file, image);
        } catch (RuntimeException e) {
            return List.of();
        }
        if (sig == null || sig.algo() >= PKEY_ALGO_LAST || sig.hash() >= HASH_NAMES.length
                || sig.idType() >= ID_TYPES.length || sig.signatureLength() == 0
                || sig.elfLength() < sig.signerLength() + sig.keyIdLength()) {
            return List.of(); // kmod_module_signature_info's checks: no fields
        }
        if (sig.idType() != ModuleSignature.PKEY_ID_PKCS7) {
            return older(image, sig);
        }
        try {
            return pkcs7(image, sig.elfLength(), sig.elfLength() + sig.signatureLength());
        } catch (RuntimeException e) { // malformed DER: no fields, like kmod when OpenSSL cannot parse it
            return List.of();
        }
    }

    private static List<ModInfo.Entry> older(byte[] d, ModuleSignature sig) {
        int keyAt = sig.elfLength() - sig.keyIdLength();
        int signerAt = keyAt - sig.signerLength();
        List<ModInfo.Entry> out = new ArrayList<>();
        out.add(new ModInfo.Entry("sig_id", ID_TYPES[sig.idType()]));
        out.add(new ModInfo.Entry("signer", new String(d, signerAt, sig.signerLength(), StandardCharsets.ISO_8859_1)));
        out.add(new ModInfo.Entry("sig_key", hex(java.util.Arrays.copyOfRange(d, keyAt, sig.elfLength()))));
        out.add(new ModInfo.Entry("sig_hashalgo", HASH_NAMES[sig.hash()]));
        out.add(new ModInfo.Entry("signature", hex(java.util.Arrays.copyOfRange(d, sig.elfLength(),
                sig.elfLength() + sig.signatureLength()))));
        return out;
    }

    private static List<ModInfo.Entry> pkcs7(byte[] d, int from, int to) {
        Der contentInfo = Der.at(d, from, to).expect(0x30);
        Der signedData = contentInfo.children().get(1).expect(0xa0).children().get(0).expect(0x30);
        List<Der> sd = signedData.children();
        Der signerInfos = sd.get(sd.size() - 1).expect(0x31);
        List<Der> si = signerInfos.children().get(0).expect(0x30).children();
        Der issuerAndSerial = si.get(1).expect(0x30);
        Der issuer = issuerAndSerial.children().get(0);
        Der serial = issuerAndSerial.children().get(1).expect(0x02);
        String hashOid = si.get(2).children().get(0).expect(0x06).oid();
        int at = 3;
        if (si.get(at).tag() == 0xa0) {
            at++; // authenticated attributes
        }
        at++; // digestEncryptionAlgorithm
        Der digest = si.get(at).expect(0x04);
        List<ModInfo.Entry> out = new ArrayList<>();
        out.add(new ModInfo.Entry("sig_id", ID_TYPES[ModuleSignature.PKEY_ID_PKCS7]));
        out.add(new ModInfo.Entry("signer", commonName(issuer)));
        out.add(new ModInfo.Entry("sig_key", hex(unsignedMinimal(serial.content()))));
        out.add(new ModInfo.Entry("sig_hashalgo", HASHES.getOrDefault(hashOid, "unknown")));
        out.add(new ModInfo.Entry("signature", hex(digest.content())));
        return out;
    }

    private static String commonName(Der name) {
        for (Der rdn : name.children()) {
            for (Der atv : rdn.children()) {
                List<Der> kv = atv.children();
                if (kv.size() == 2 && kv.get(0).tag() == 0x06 && kv.get(0).oid().equals(OID_COMMON_NAME)) {
                    return new String(kv.get(1).content(), StandardCharsets.ISO_8859_1);
                }
            }
        }
        return "";
    }

    /** An INTEGER's bytes as OpenSSL's BN_bn2bin gives them: no leading zero bytes. */
    private static byte[] unsignedMinimal(byte[] b) {
        int i = 0;
        while (i < b.length - 1 && b[i] == 0) {
            i++;
        }
        if (b.length == 1 && b[0] == 0) {
            return new byte[0];
        }
        byte[] out = new byte[b.length - i];
        System.arraycopy(b, i, out, 0, out.length);
        return out;
    }

    /** kmod's layout: "AB:CD:...", with "\n\t\t" after every 20th byte except the last. */
    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 3 + b.length / 20 * 3);
        for (int i = 0; i < b.length; i++) {
            sb.append(String.format("%02X", b[i] & 0xff));
            if (i < b.length - 1) {
                sb.append(':');
                if ((i + 1) % 20 == 0) {
                    sb.append("\n\t\t");
                }
            }
        }
        return sb.toString();
    }

    /** One DER element (tag, content bounds) over a byte array; definite lengths only, as DER requires. */
    private record Der(byte[] d, int tag, int start, int end) {
        static Der at(byte[] d, int pos, int limit) {
            int tag = d[pos] & 0xff;
            int p = pos + 1;
            int len = d[p++] & 0xff;
            if (len >= 0x80) {
                int n = len & 0x7f;
                if (n == 0 || n > 4) {
                    throw new IllegalArgumentException("unsupported DER length");
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (d[p++] & 0xff);
                }
            }
            if (len < 0 || p + len > limit) {
                throw new IllegalArgumentException("DER element runs past its parent");
            }
            return new Der(d, tag, p, p + len);
        }

        Der expect(int t) {
            if (tag != t) {
                throw new IllegalArgumentException("DER tag 0x" + Integer.toHexString(tag) + ", expected 0x" + Integer.toHexString(t));
            }
            return this;
        }

        List<Der> children() {
            List<Der> out = new ArrayList<>();
            int p = start;
            while (p < end) {
                Der c = at(d, p, end);
                out.add(c);
                p = c.end;
            }
            return out;
        }

        byte[] content() {
            byte[] out = new byte[end - start];
            System.arraycopy(d, start, out, 0, out.length);
            return out;
        }

        String oid() {
            StringBuilder sb = new StringBuilder();
            long v = 0;
            boolean first = true;
            for (int i = start; i < end; i++) {
                v = (v << 7) | (d[i] & 0x7f);
                if ((d[i] & 0x80) == 0) {
                    if (first) {
                        long a = Math.min(v / 40, 2);
                        sb.append(a).append('.').append(v - 40 * a);
                        first = false;
                    } else {
                        sb.append('.').append(v);
                    }
                    v = 0;
                }
            }
            return sb.toString();
        }
    }
}
