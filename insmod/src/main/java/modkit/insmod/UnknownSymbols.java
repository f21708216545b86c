package modkit.insmod;

import modkit.elf.ModkitException;

/** Symbols no kernel or module exports: the message lists them; {@link #brief} is insmod -q's line without the list. */
public final class UnknownSymbols extends ModkitException {
    private final String brief;

    UnknownSymbols(String message, String brief, String hint) {
        super(message, hint);
        this.brief = brief;
    }

    /** "FILE: 3 unknown symbols", for modutils' -q (do not print the unresolved symbols). */
    public String brief() {
        return brief;
    }
}
