package modkit.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The taint table against the kernel's (Documentation/admin-guide/tainted-kernels.rst: bit, letter, value). */
class TaintTest {
    @Test
    void namedBitsHaveTheKernelsLetters() {
        assertEquals('P', Taint.letter(Taint.PROPRIETARY_MODULE));
        assertEquals('F', Taint.letter(Taint.FORCED_MODULE));
        assertEquals('R', Taint.letter(Taint.FORCED_RMMOD));
        assertEquals('C', Taint.letter(Taint.CRAP));
        assertEquals('O', Taint.letter(Taint.OOT_MODULE));
        assertEquals('E', Taint.letter(Taint.UNSIGNED_MODULE));
        assertEquals('K', Taint.letter(Taint.LIVEPATCH));
        assertEquals('N', Taint.letter(Taint.TEST));
    }

    @Test
    void maskAndLettersAreInverse() {
        // P (1) + O (4096) + E (8192): an out-of-tree unsigned proprietary module.
        assertEquals("POE", Taint.letters(12289));
        assertEquals(12289, Taint.mask("POE"));
        assertEquals("", Taint.letters(0));
        assertEquals("N", Taint.letters(262144));
        assertEquals((1L << Taint.LETTERS.length()) - 1, Taint.mask(Taint.LETTERS));
        assertEquals(Taint.LETTERS, Taint.letters((1L << Taint.LETTERS.length()) - 1));
    }
}
