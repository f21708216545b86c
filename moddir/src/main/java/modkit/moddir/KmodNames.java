package modkit.moddir;

/**
 * kmod's {@code underscores()} (shared/util.c), which every modprobe.d command and the kernel command line run on
 * module names: dashes become underscores except inside a {@code [...]} set, and a name with a {@code ]} outside
 * a set or a {@code [} never closed is refused, which makes its line bad.
 */
final class KmodNames {
    private KmodNames() {}

    /** The name with dashes as underscores, or null if kmod refuses it (or it is null). */
    static String underscores(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ']') {
                return null;
            }
            if (c == '[') {
                int close = s.indexOf(']', i);
                if (close < 0) {
                    return null;
                }
                b.append(s, i, close + 1);
                i = close;
                continue;
            }
            b.append(c == '-' ? '_' : c);
        }
        return b.toString();
    }

    /** What kmod's in-place conversion left of a refused name: dashes turned up to where it gave up (its message shows that). */
    static String convertedUntilRefused(String s) {
        StringBuilder b = new StringBuilder(s);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ']') {
                break;
            }
            if (c == '[') {
                int close = s.indexOf(']', i);
                if (close < 0) {
                    break;
                }
                i = close;
            } else if (c == '-') {
                b.setCharAt(i, '_');
            }
        }
        return b.toString();
    }
}
