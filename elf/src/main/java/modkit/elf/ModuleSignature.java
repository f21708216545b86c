package modkit.elf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The signature trailer appended to a signed module (loader-model.md §13):
 * {@code [ELF][PKCS#7 DER, sig_len bytes][struct module_signature, 12 bytes]["~Module signature appended~\n"]}.
 * The signed data, and the part the loader reads as ELF, is everything before the PKCS#7 blob.
 *
 * @param elfLength length of the ELF image before the signature
 * @param algo {@code module_signature.algo} (0 for PKCS#7)
 * @param hash {@code module_signature.hash} (0 for PKCS#7)
 * @param idType {@code module_signature.id_type}: 2 = PKCS#7
 * @param signerLength {@code signer_len}
 * @param keyIdLength {@code key_id_len}
 * @param signatureLength {@code sig_len}, big-endian on disk
 */
public record ModuleSignature(
        int elfLength, int algo, int hash, int idType, int signerLength, int keyIdLength, int signatureLength) {

    public static final String MARKER = "~Module signature appended~\n";
    public static final byte[] MARKER_BYTES = MARKER.getBytes(StandardCharsets.US_ASCII);
    /** sizeof(struct module_signature). */
    public static final int INFO_SIZE = 12;
    /** {@code module_signature.id_type} of a PKCS#7 signature; 0 = PGP and 1 = X.509 (before Linux 4.3). */
    public static final int PKEY_ID_PKCS7 = 2;

    /** Whether {@code data} ends with the marker (what makes the kernel look for a signature at all). */
    public static boolean marked(byte[] data) {
        int at = data.length - MARKER_BYTES.length;
        return at >= 0 && Arrays.equals(data, at, data.length, MARKER_BYTES, 0, MARKER_BYTES.length);
    }

    /** Offset of the {@code struct module_signature} of a marked module: it ends where the marker starts. */
    public static int infoOffset(byte[] data) {
        return data.length - MARKER_BYTES.length - INFO_SIZE;
    }

    /** {@code sig_len} of the record at {@code infoAt}: big-endian, whatever the module's byte order. */
    public static long declaredSignatureLength(byte[] data, int infoAt) {
        return ((data[infoAt + 8] & 0xffL) << 24) | ((data[infoAt + 9] & 0xff) << 16)
                | ((data[infoAt + 10] & 0xff) << 8) | (data[infoAt + 11] & 0xff);
    }

    /** Returns the trailer of {@code data}, or null if the module is unsigned. */
    public static ModuleSignature find(String file, byte[] data) {
        if (!marked(data)) {
            return null;
        }
        int infoAt = infoOffset(data);
        if (infoAt < 0) {
            throw new ElfFormatException(file, "signature marker present but the module_signature record is missing");
        }
        long sigLen = declaredSignatureLength(data, infoAt);
        if (sigLen >= infoAt) {
            throw new ElfFormatException(
                    file, "signature length 0x" + Long.toHexString(sigLen) + " is larger than the file before it");
        }
        return new ModuleSignature(
                (int) (infoAt - sigLen),
                data[infoAt] & 0xff,
                data[infoAt + 1] & 0xff,
                data[infoAt + 2] & 0xff,
                data[infoAt + 3] & 0xff,
                data[infoAt + 4] & 0xff,
                (int) sigLen);
    }

    /** The kernel's check of the fixed fields (module_signature.c: mod_check_sig). */
    public String problem() {
        if (idType != PKEY_ID_PKCS7) {
            return "module signature is not PKCS#7 (id_type " + idType + ")";
        }
        if (algo != 0 || hash != 0 || signerLength != 0 || keyIdLength != 0) {
            return "PKCS#7 signature info has unexpected non-zero params";
        }
        return null;
    }
}
