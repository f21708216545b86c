package modkit.insmod.params;

import java.math.BigInteger;

/**
 * Turning a parameter's text into the bits the kernel's {@code param_set_*} would store: {@code kstrto*} with
 * base 0 (0x hex, leading 0 octal, else decimal; a trailing newline allowed) and each type's range, and
 * {@code kstrtobool} for bool/invbool.
 */
final class ParamValues {
    private ParamValues() {}

    /** The value for an integer type of {@code size} bytes, range-checked as kstrto(u|s)(8|16|32|64) does. */
    static long integer(String text, int size, boolean signed) throws ParamValueException {
        String s = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        boolean negative = false;
        if (s.startsWith("+")) {
            s = s.substring(1);
        } else if (s.startsWith("-") && signed) {
            negative = true;
            s = s.substring(1);
        }
        int radix = 10;
        if (s.length() > 2 && (s.startsWith("0x") || s.startsWith("0X"))) {
            radix = 16;
            s = s.substring(2);
        } else if (s.length() > 1 && s.startsWith("0")) {
            radix = 8;
            s = s.substring(1);
        }
        final int base = radix;
        if (s.isEmpty() || !s.chars().allMatch(c -> Character.digit(c, base) >= 0)) {
            throw new ParamValueException("EINVAL", "not a number");
        }
        BigInteger v = new BigInteger(s, radix);
        if (negative) {
            v = v.negate();
        }
        int bits = 8 * size;
        BigInteger min = signed ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
        BigInteger max = signed ? BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE)
                : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw new ParamValueException("ERANGE", "out of range for " + (signed ? "a signed " : "an unsigned ") + bits + "-bit value");
        }
        return v.longValue();
    }

    /** {@code kstrtobool}: y/Y/1/on true, n/N/0/off false; no value means true. */
    static boolean bool(String text) throws ParamValueException {
        if (text == null) {
            return true;
        }
        if (!text.isEmpty()) {
            char c = text.charAt(0);
            if (c == 'y' || c == 'Y' || c == '1') {
                return true;
            }
            if (c == 'n' || c == 'N' || c == '0') {
                return false;
            }
            if ((c == 'o' || c == 'O') && text.length() > 1) {
                char d = text.charAt(1);
                if (d == 'n' || d == 'N') {
                    return true;
                }
                if (d == 'f' || d == 'F') {
                    return false;
                }
            }
        }
        throw new ParamValueException("EINVAL", "not a boolean (use y/n, 1/0 or on/off)");
    }
}
