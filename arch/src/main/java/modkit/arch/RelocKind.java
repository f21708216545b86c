package modkit.arch;

/**
 * What a relocation type means, independent of how its bits are stored (lld's RelExpr, in small). The linker
 * turns a kind into a value with one switch; the arch only stores that value.
 *
 * <p>Notation: S symbol value, A addend, P address of the field, B the 16-byte instruction bundle holding P
 * ({@code P & ~0xf}, ia64), GP the module's global pointer. GOT(x), FPTR(x), PLT(x) are the addresses of the
 * linkage-table slot holding x, of a function descriptor for code address x, and of a call stub for the
 * descriptor x; the arch's {@link ArchSections} builds them. Kinds past {@link #UNSUPPORTED} appear only for
 * arches that provide such tables.
 */
public enum RelocKind {
    /** Nothing to do (R_X86_64_NONE). */
    NONE,
    /** S + A. */
    ABS,
    /** S + A - P. */
    PC,
    /** A type the target kernel's loader rejects; the linker reports it during the scan pass. */
    UNSUPPORTED,
    /** S + A - B: PC-relative to the instruction bundle (ia64 PCREL60B, PCREL22). */
    PC_BUNDLE,
    /** S + A - B, but only for a target inside the module (ia64 PCREL21BI). */
    PC_BUNDLE_LOCAL,
    /** CALL(S + A) - B: a branch that goes through a PLT stub when the arch says it must (ia64 PCREL21B). */
    CALL,
    /** S + A - GP. */
    GPREL,
    /** GOT(S + A) - GP. */
    GOT_GPREL,
    /** S + A - GP if that is in reach of the gp-relative field, else GOT(S + A) - GP (ia64 LTOFF22X). */
    GPREL_OR_GOT,
    /** FPTR(S + A): a function pointer. */
    FPTR,
    /** GOT(FPTR(S + A)) - GP. */
    GOT_FPTR_GPREL,
    /** PLT(S + A), absolute (the ia64 kernel's reading of PLTOFF). */
    PLT_ABS,
    /** FPTR(PLT(S + A)) (ia64 IPLT). */
    IPLT,
    /** S + A - the address of the section being patched. */
    SECREL,
    /** S + A - the base of the module region (core or init) holding S + A. */
    BDREL,
    /** A - S. */
    SUB
}
