package modkit.arch;

/**
 * What a relocation type means, independent of how its bits are stored (lld's RelExpr, in small). Each arch maps
 * its type numbers onto these kinds ({@link Arch#kindOf}); {@link #value} turns a kind into a number, the psABI's
 * "calculation" column, for every arch; the arch only stores that number ({@link Arch#store}).
 *
 * <p>Notation: S symbol value, A addend, P address of the field, B the 16-byte instruction bundle holding P
 * ({@code P & ~0xf}, ia64), GP the module's global pointer. GOT(x), FPTR(x), PLT(x) are the addresses of the
 * linkage-table slot holding x, of a function descriptor for code address x, and of a call stub for the
 * descriptor x. A kind marked {@link Needs#TABLES} asks the arch's {@link ArchSections} for them (or for GP, the
 * module's regions, or whether a target is inside the module): only an arch whose {@link Arch#sections} builds
 * such tables may map a type onto it.
 */
public enum RelocKind {
    /** Nothing to do (R_X86_64_NONE). */
    NONE(Needs.NOTHING),
    /** S + A. */
    ABS(Needs.NOTHING),
    /** S + A - P. */
    PC(Needs.NOTHING),
    /** A type the target kernel's loader rejects; the linker reports it during the scan pass. */
    UNSUPPORTED(Needs.NOTHING),
    /** S + A - B: PC-relative to the instruction bundle (ia64 PCREL60B, PCREL22). */
    PC_BUNDLE(Needs.NOTHING),
    /** S + A - B, but only for a target inside the module (ia64 PCREL21BI). */
    PC_BUNDLE_LOCAL(Needs.TABLES),
    /**
     * CALL(S + A) - B: a branch that goes through a PLT stub when the arch's tables say it must (ia64 PCREL21B);
     * without tables, straight to S + A.
     */
    CALL(Needs.NOTHING),
    /** S + A - GP. */
    GPREL(Needs.TABLES),
    /** GOT(S + A) - GP. */
    GOT_GPREL(Needs.TABLES),
    /** S + A - GP if that is in reach of the gp-relative field, else GOT(S + A) - GP (ia64 LTOFF22X). */
    GPREL_OR_GOT(Needs.TABLES),
    /** FPTR(S + A): a function pointer. */
    FPTR(Needs.TABLES),
    /** GOT(FPTR(S + A)) - GP. */
    GOT_FPTR_GPREL(Needs.TABLES),
    /** PLT(S + A), absolute (the ia64 kernel's reading of PLTOFF). */
    PLT_ABS(Needs.TABLES),
    /** FPTR(PLT(S + A)) (ia64 IPLT). */
    IPLT(Needs.TABLES),
    /** S + A - the address of the section being patched. */
    SECREL(Needs.NOTHING),
    /** S + A - the base of the module region (core or init) holding S + A. */
    BDREL(Needs.TABLES),
    /** A - S. */
    SUB(Needs.NOTHING);

    /** What a kind's value needs beyond S, A, P and the section's address. */
    public enum Needs {
        NOTHING,
        /** The arch's GOT, PLT, descriptors, GP or module regions ({@link ArchSections}). */
        TABLES
    }

    private final Needs needs;

    RelocKind(Needs needs) {
        this.needs = needs;
    }

    public Needs needs() {
        return needs;
    }

    /**
     * The value this kind asks for: the number the arch then stores in the field.
     *
     * @param S the symbol's final value
     * @param A the addend (r_addend, or what the field held for REL)
     * @param P the field's final address
     * @param section the final address of the section being patched
     * @param tables the arch's tables for this module; {@link ArchSections#NONE} for an arch without
     * @throws FieldOverflow if the arch's tables cannot give what the kind needs (a PCREL21BI leaving the module)
     */
    public long value(long S, long A, long P, long section, ArchSections tables) throws FieldOverflow {
        long B = P & ~0xfL;
        return switch (this) {
            case NONE -> 0;
            case ABS -> S + A;
            case PC -> S + A - P;
            case PC_BUNDLE -> S + A - B;
            case PC_BUNDLE_LOCAL -> {
                if (!tables.isInternal(S + A)) {
                    throw new FieldOverflow("reloc against non-local symbol (0x" + Long.toHexString(S + A)
                            + "): the target must lie inside the module");
                }
                yield S + A - B;
            }
            case CALL -> tables.call(S + A, P) - B;
            case GPREL -> S + A - tables.gp();
            case GOT_GPREL -> tables.got(S + A) - tables.gp();
            case GPREL_OR_GOT -> (tables.gpAddressable(S + A) ? S + A : tables.got(S + A)) - tables.gp();
            case FPTR -> tables.fptr(S + A);
            case GOT_FPTR_GPREL -> tables.got(tables.fptr(S + A)) - tables.gp();
            case PLT_ABS -> tables.plt(S + A, P);
            case IPLT -> tables.fptr(tables.plt(S + A, P));
            case SECREL -> S + A - section;
            case BDREL -> S + A - tables.regionBase(S + A);
            case SUB -> A - S;
            case UNSUPPORTED -> throw new IllegalStateException("an unsupported type passed the scan");
        };
    }
}
