package modkit.arch;

/**
 * What a relocation type means, independent of how its bits are stored (lld's RelExpr, in small). The linker
 * turns a kind into a value with one switch; the arch only stores that value.
 */
public enum RelocKind {
    /** Nothing to do (R_X86_64_NONE). */
    NONE,
    /** S + A. */
    ABS,
    /** S + A - P. */
    PC,
    /** A type the target kernel's loader rejects; the linker reports it during the scan pass. */
    UNSUPPORTED
}
