package modkit.kernel.signature;

import java.util.Arrays;
import modkit.elf.ModuleSignature;

/**
 * The signature a signed module carries at its end, as the kernel finds it (kernel/module/signing.c
 * {@code module_sig_check}, kernel/module_signature.c {@code mod_check_sig}):
 * {@code [ELF][PKCS#7 DER, sig_len bytes][struct module_signature, 12 bytes]["~Module signature appended~\n"]}.
 * The signed data is the ELF part alone.
 *
 * @param signedLength bytes of the module the signature covers (the ELF image)
 * @param pkcs7 the CMS/PKCS#7 blob, or null where {@link #problem} says the record is unusable
 * @param info the 12 bytes of {@code struct module_signature}
 * @param problem null if {@code mod_check_sig} accepts the record, else why not
 * @param errno what {@code mod_check_sig} returns for the problem ("EBADMSG" or "ENOPKG"), null if none
 */
public record SignatureTrailer(int signedLength, byte[] pkcs7, byte[] info, String problem, String errno) {
    public static final String MARKER = ModuleSignature.MARKER;
    /** sizeof(struct module_signature). */
    public static final int INFO_SIZE = ModuleSignature.INFO_SIZE;
    /** {@code module_signature.id_type} of a PKCS#7 signature; 0 = PGP and 1 = X.509 are refused. */
    public static final int PKEY_ID_PKCS7 = ModuleSignature.PKEY_ID_PKCS7;

    /** Whether {@code module} ends with the marker (what makes the kernel check a signature at all). */
    public static boolean marked(byte[] module) {
        return ModuleSignature.marked(module);
    }

    /**
     * The trailer of {@code module} as {@code mod_check_sig} judges it, or null if it has no marker (an unsigned
     * module). The bytes are decoded by {@link ModuleSignature}, which modinfo and the linker read too.
     */
    public static SignatureTrailer find(byte[] module) {
        if (!marked(module)) {
            return null;
        }
        int infoAt = ModuleSignature.infoOffset(module);
        int len = infoAt + INFO_SIZE; // the module without the marker
        if (infoAt <= 0) {
            return bad(len, null, "EBADMSG", "the module is too short for a signature record");
        }
        byte[] info = Arrays.copyOfRange(module, infoAt, len);
        long sigLen = ModuleSignature.declaredSignatureLength(module, infoAt);
        if (sigLen >= infoAt) {
            return bad(len, info, "EBADMSG", "signature length " + sigLen + " is not less than the " + infoAt
                    + " bytes before the signature record");
        }
        int idType = info[2] & 0xff;
        if (idType != PKEY_ID_PKCS7) {
            return bad(len, info, "ENOPKG", "not signed with expected PKCS#7 message (id_type " + idType + ")");
        }
        for (int i = 0; i < 8; i++) {
            if (i != 2 && info[i] != 0) {
                return bad(len, info, "EBADMSG", "PKCS#7 signature info has unexpected non-zero params");
            }
        }
        int signed = (int) (infoAt - sigLen);
        return new SignatureTrailer(signed, Arrays.copyOfRange(module, signed, infoAt), info, null, null);
    }

    private static SignatureTrailer bad(int len, byte[] info, String errno, String why) {
        return new SignatureTrailer(len, null, info, why, errno);
    }

    /** {@code module} with {@code pkcs7} appended as scripts/sign-file appends it. */
    public static byte[] append(byte[] module, byte[] pkcs7) {
        byte[] out = Arrays.copyOf(module, module.length + pkcs7.length + INFO_SIZE + ModuleSignature.MARKER_BYTES.length);
        System.arraycopy(pkcs7, 0, out, module.length, pkcs7.length);
        int info = module.length + pkcs7.length;
        out[info + 2] = PKEY_ID_PKCS7;
        out[info + 8] = (byte) (pkcs7.length >>> 24);
        out[info + 9] = (byte) (pkcs7.length >>> 16);
        out[info + 10] = (byte) (pkcs7.length >>> 8);
        out[info + 11] = (byte) pkcs7.length;
        System.arraycopy(ModuleSignature.MARKER_BYTES, 0, out, info + INFO_SIZE, ModuleSignature.MARKER_BYTES.length);
        return out;
    }
}
