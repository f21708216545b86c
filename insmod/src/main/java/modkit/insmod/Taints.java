package modkit.insmod;

import java.util.BitSet;

/** Per-module taint letters, printed in the kernel's bit order (kernel/panic.c taint_flags). */
final class Taints {
    static final int PROPRIETARY = 0, FORCED = 1, CRAP = 10, OOT = 12, UNSIGNED = 13, LIVEPATCH = 15, AUX = 16,
            RANDSTRUCT = 17, TEST = 18;
    private static final String LETTERS = "PFSRMBUDAWCIOELKXTN";

    private final BitSet bits = new BitSet();

    Taints() {}

    private Taints(Taints from) {
        bits.or(from.bits);
    }

    /** A copy to add to: each link attempt of a prepared module starts from the taints its checks gave. */
    Taints copy() {
        return new Taints(this);
    }

    void add(int bit) {
        bits.set(bit);
    }

    boolean has(int bit) {
        return bits.get(bit);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        bits.stream().forEach(i -> b.append(LETTERS.charAt(i)));
        return b.toString();
    }
}
