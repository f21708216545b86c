package modkit.kernel.signature;

/**
 * What the kernel's signature check concludes about one module, with the signer as the signature names it.
 *
 * @param outcome the kernel's verdict
 * @param detail why, in one phrase (empty when valid)
 * @param signer the signer: the common name of the keyring certificate that made it, else of the issuer the
 *     signature names (kmod's {@code signer}); null if the module is unsigned or its signature cannot be parsed
 * @param keyId the serial number the signature names (kmod's {@code sig_key}), or its subject key identifier,
 *     as upper-case hex pairs joined by ':'; null as for signer
 * @param keyIdKind "serial" or "skid"; null as for signer
 * @param hash the digest algorithm ("sha256", ...); null as for signer
 */
public record Verification(Outcome outcome, String detail, String signer, String keyId, String keyIdKind, String hash) {

    /**
     * The kernel's verdicts ({@code module_sig_check}). Unsigned, unsupported and unknown-key modules load without
     * enforcement (tainting the kernel E) and are refused with EKEYREJECTED under it; a bad or unparsable
     * signature is refused either way.
     */
    public enum Outcome {
        VALID(null, null),
        UNSIGNED("ENODATA", "unsigned module"),
        UNSUPPORTED("ENOPKG", "module with unsupported crypto"),
        UNKNOWN_KEY("ENOKEY", "module with unavailable key"),
        BAD_MESSAGE("EBADMSG", null),
        REJECTED("EKEYREJECTED", null),
        /** Structure and CMS are sound, but the kernel's keys are not known here: only the kernel can say. */
        UNCHECKED(null, null);

        private final String errno;
        private final String reason;

        Outcome(String errno, String reason) {
            this.errno = errno;
            this.reason = reason;
        }

        /** The errno {@code mod_verify_sig} returns (ENODATA for no signature), null when it returns 0. */
        public String errno() {
            return errno;
        }

        /** module_sig_check's words for a verdict that only enforcement refuses, null for the others. */
        public String reason() {
            return reason;
        }

        /** Tolerated without enforcement (the kernel is tainted E), refused with EKEYREJECTED under it. */
        public boolean tolerable() {
            return reason != null;
        }
    }

    public static Verification of(Outcome outcome, String detail) {
        return new Verification(outcome, detail, null, null, null, null);
    }

    Verification with(Outcome o, String why) {
        return new Verification(o, why, signer, keyId, keyIdKind, hash);
    }

    public boolean valid() {
        return outcome == Outcome.VALID;
    }
}
