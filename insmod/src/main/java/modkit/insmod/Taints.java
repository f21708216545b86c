package modkit.insmod;

import java.util.BitSet;
import modkit.kernel.Taint;

/** A module's taint bits ({@link Taint}'s), printed as letters in the kernel's bit order. */
final class Taints {

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
        bits.stream().forEach(i -> b.append(Taint.letter(i)));
        return b.toString();
    }
}
