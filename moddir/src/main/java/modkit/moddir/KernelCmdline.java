package modkit.moddir;

/**
 * The module options on the kernel command line, read as libkmod reads /proc/cmdline
 * ({@code kmod_config_parse_kcmdline} and {@code kcmdline_parse_result} in libkmod-config.c, the same in kmod 30
 * and 34). A word {@code MODULE.PARAM[=VALUE]} adds {@code options MODULE PARAM[=VALUE]}, the value kept as
 * written, quotes and spaces included ({@code foo.bar="a b"}); {@code modprobe.blacklist=a,b} adds blacklist
 * entries. A word that opens with a quote before the module name, as grub passes
 * {@code "parport.dyndbg=file x.c +mpf"}, is requoted around its value ({@code dyndbg="file x.c +mpf"}). Anything
 * else is ignored: a word without a dot, a quote anywhere but at the start or in the value, a second dot before
 * the {@code =}, a space inside quotes before the value. Unlike the kernel, kmod does not stop at {@code --}.
 *
 * <p>This is a port of kmod's byte-wise state machine over a NUL-terminated buffer, so that every odd line splits
 * exactly as kmod splits it; only the first 4095 bytes are read (KCMD_LINE_SIZE).
 */
public final class KernelCmdline {
    /** What one complete word gave. */
    interface Sink {
        void option(String module, String options);

        void blacklist(String module);

        void badModuleName(String module);
    }

    private enum State { IGNORE, MODNAME, PARAM, VALUE, COMPLETE }

    public static final int KCMD_LINE_SIZE = 4096;

    private KernelCmdline() {}

    static void parse(String cmdline, Sink sink) {
        int len = Math.min(cmdline.length(), KCMD_LINE_SIZE - 1);
        char[] buf = new char[len + 1];
        cmdline.getChars(0, len, buf, 0);
        int nul = cmdline.indexOf('\0');
        if (nul >= 0 && nul < len) {
            buf[nul] = 0;
        }
        State state = State.MODNAME;
        int quoteStart = -1;
        int modname = 0;
        int param = -1;
        int value = -1;
        boolean quoted = false;
        boolean iter = true;
        for (int p = 0; iter; p++) {
            switch (buf[p]) {
                case '"' -> {
                    quoted = !quoted;
                    // a quote is allowed first in a word, before the module name; anywhere else outside the
                    // value the word is ill-formed
                    if (quoted && state == State.MODNAME && p == modname) {
                        quoteStart = p;
                        modname = p + 1;
                    } else if (state != State.VALUE) {
                        state = State.IGNORE;
                    }
                }
                case 0, ' ', '\n', '\t', '\u000b', '\f', '\r' -> {
                    if (buf[p] == 0) {
                        iter = false;
                    }
                    if (quoted && state == State.VALUE) {
                        // a space inside a quoted value
                    } else if (quoted) {
                        state = State.IGNORE; // spaces are only allowed in the value
                    } else if (state == State.VALUE || state == State.PARAM) {
                        buf[p] = 0;
                        state = State.COMPLETE;
                    } else {
                        modname = p + 1;
                        state = State.MODNAME;
                        quoteStart = -1;
                    }
                }
                case '.' -> {
                    if (state == State.MODNAME) {
                        buf[p] = 0;
                        param = p + 1;
                        state = State.PARAM;
                    } else if (state == State.PARAM) {
                        state = State.IGNORE;
                    }
                }
                case '=' -> {
                    if (state == State.PARAM) {
                        value = p + 1;
                        state = State.VALUE;
                    } else if (state == State.MODNAME) {
                        state = State.IGNORE;
                    }
                }
                default -> {}
            }
            if (state == State.COMPLETE) {
                if (quoteStart >= 0 && quoteStart < modname) {
                    // "parport.dyndbg=file x" becomes parport.dyndbg="file x": everything up to the value moves
                    // one to the left over the opening quote, which goes in front of the value
                    System.arraycopy(buf, modname, buf, quoteStart, value - modname);
                    value--;
                    modname--;
                    param--;
                    buf[value] = '"';
                }
                result(cstring(buf, modname), cstring(buf, param), value < 0 ? null : cstring(buf, value), sink);
                modname = p + 1;
                state = State.MODNAME;
                quoteStart = -1;
            }
        }
    }

    private static void result(String module, String param, String value, Sink sink) {
        if (module.equals("modprobe") && param.startsWith("blacklist=")) {
            // strsep: "a,,b" gives an empty name too, and kmod keeps it
            for (String m : value.split(",", -1)) {
                sink.blacklist(m);
            }
            return;
        }
        String name = KmodNames.underscores(module);
        if (name == null) {
            sink.badModuleName(KmodNames.convertedUntilRefused(module));
        } else {
            sink.option(name, param.replace('\t', ' '));
        }
    }

    private static String cstring(char[] buf, int from) {
        int end = from;
        while (end < buf.length && buf[end] != 0) {
            end++;
        }
        return new String(buf, from, end - from);
    }
}
