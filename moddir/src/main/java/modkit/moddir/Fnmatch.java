package modkit.moddir;

/**
 * Shell wildcards as {@code fnmatch(3)} with no flags, which is how kmod matches {@code alias}, {@code softdep},
 * {@code install} and {@code remove} patterns and the patterns in modules.alias: {@code *} any run of characters
 * (slashes and leading dots included), {@code ?} one character, {@code [abc]} {@code [a-z]} {@code [!x]}
 * {@code [^x]} one character of a set, {@code \c} the character c itself. A {@code [} with no closing {@code ]}
 * is an ordinary character, as in glibc.
 */
public final class Fnmatch {
    private Fnmatch() {}

    public static boolean matches(String pattern, String text) {
        return match(pattern, 0, text, 0);
    }

    /** True if {@code s} has a character that makes it a pattern rather than a plain name. */
    public static boolean isPattern(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '\\') {
                return true;
            }
        }
        return false;
    }

    /**
     * Greedy matching with one backtrack point: every token but '*' consumes exactly one character, so when a
     * later token fails it is enough to let the most recent '*' swallow one more character (linear in practice,
     * never exponential, unlike naive recursion over patterns like {@code usb:v*p*d*dc*dsc*}).
     */
    private static boolean match(String p, int pi, String t, int ti) {
        int starP = -1;
        int starT = -1;
        while (ti < t.length()) {
            if (pi < p.length() && p.charAt(pi) == '*') {
                starP = ++pi;
                starT = ti;
                continue;
            }
            int next = pi < p.length() ? matchOne(p, pi, t.charAt(ti)) : -1;
            if (next >= 0) {
                pi = next;
                ti++;
            } else if (starP >= 0) {
                pi = starP;
                ti = ++starT;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }

    /** If the token at {@code pi} matches {@code c}, the index after the token; else -1. */
    private static int matchOne(String p, int pi, char c) {
        char k = p.charAt(pi);
        switch (k) {
            case '?':
                return pi + 1;
            case '[': {
                int end = bracketEnd(p, pi);
                if (end < 0) {
                    // No closing bracket: '[' stands for itself.
                    return c == '[' ? pi + 1 : -1;
                }
                return inSet(p, pi + 1, end, c) ? end + 1 : -1;
            }
            case '\\':
                if (pi + 1 < p.length()) {
                    return p.charAt(pi + 1) == c ? pi + 2 : -1;
                }
                return c == '\\' ? pi + 1 : -1;
            default:
                return k == c ? pi + 1 : -1;
        }
    }

    /** Index of the ']' closing the set opened at {@code open}, or -1. A ']' right after '[' or '[!' is a member. */
    private static int bracketEnd(String p, int open) {
        int i = open + 1;
        if (i < p.length() && (p.charAt(i) == '!' || p.charAt(i) == '^')) {
            i++;
        }
        if (i < p.length() && p.charAt(i) == ']') {
            i++;
        }
        for (; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\' && i + 1 < p.length()) {
                i++;
            } else if (c == ']') {
                return i;
            }
        }
        return -1;
    }

    private static boolean inSet(String p, int from, int end, char c) {
        boolean negate = false;
        int i = from;
        if (p.charAt(i) == '!' || p.charAt(i) == '^') {
            negate = true;
            i++;
        }
        boolean found = false;
        boolean first = true;
        while (i < end) {
            char lo = p.charAt(i);
            if (lo == '\\' && i + 1 < end) {
                lo = p.charAt(++i);
            } else if (lo == ']' && !first) {
                break;
            }
            first = false;
            if (i + 2 < end && p.charAt(i + 1) == '-') {
                char hi = p.charAt(i + 2);
                if (hi == '\\' && i + 3 < end) {
                    hi = p.charAt(i + 3);
                    i++;
                }
                if (lo <= c && c <= hi) {
                    found = true;
                }
                i += 3;
            } else {
                if (c == lo) {
                    found = true;
                }
                i++;
            }
        }
        return found != negate;
    }
}
