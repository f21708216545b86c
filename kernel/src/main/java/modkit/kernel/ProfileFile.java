package modkit.kernel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import modkit.arch.Arch;
import modkit.arch.Arches;
import modkit.elf.ModkitException;

/**
 * The on-disk kernel profile: a small text file, gzip-compressed or not (detected by magic).
 *
 * <pre>
 * # modkit kernel profile
 * arch=x86_64
 * release=6.1.0-56-amd64
 * vermagic=6.1.0-56-amd64 SMP preempt mod_unload modversions      (to end of line, trailing space kept)
 * page_size=4096
 * module_area=0xffffffffc0000000-0xffffffffff000000
 * config=CONFIG_MODVERSIONS=y CONFIG_STRICT_MODULE_RWX=y ...
 * cert=MIIFKDCCAxCgAwIBAgIU...                                      (one per built-in certificate: DER in base64)
 * symbols
 * ffffffff81234560 1a2b3c4d EXPORT_SYMBOL printk
 * ffffffff81234570 - EXPORT_SYMBOL_GPL foo NAMESPACE
 * </pre>
 *
 * Symbol lines: address in hex, CRC in hex or "-", the export macro, the name, an optional namespace.
 * An ia64 profile ends with a {@code fdescs} line and one line per function descriptor of an exported function,
 * "ADDRESS IP GP" in hex (see {@link SymbolMap#descriptors}).
 * A profile without {@code cert=} lines does not know the kernel's keys (older modkit wrote none, and ignores them);
 * a single empty {@code cert=} line says the kernel trusts no key.
 */
public final class ProfileFile {
    private static final String EMBEDDED = "/modkit/kernel/default.profile.gz";

    private ProfileFile() {}

    /** Debian's 6.1.0-56-amd64, generated from the corpus by scripts/gen-default-profile.sh. */
    public static KernelProfile embeddedDefault() {
        try (InputStream in = ProfileFile.class.getResourceAsStream(EMBEDDED)) {
            if (in == null) {
                throw new IllegalStateException("embedded profile " + EMBEDDED + " missing from the build");
            }
            return parse("<embedded default profile>", in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static KernelProfile read(Path path) {
        try {
            return parse(path.toString(), Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            throw new ModkitException(path + ": no such kernel profile",
                    "make one with: modkit profile import --system-map FILE --symvers FILE -o " + path);
        } catch (IOException e) {
            throw new ModkitException(path + ": cannot read kernel profile: " + e.getMessage());
        }
    }

    public static KernelProfile parse(String name, byte[] bytes) {
        Parsed p = last;
        if (p != null && p.name().equals(name) && Arrays.equals(p.bytes(), bytes)) {
            return p.profile();
        }
        // The header is a few KB at the front; the symbols (600 KB for Debian's kernel) are read only by the
        // commands that link or list them. Decompressing just the header took 12 ms off lsmod and rmmod.
        KernelProfile profile = parse(name, text(name, bytes, true), () -> text(name, bytes, false));
        last = new Parsed(name, bytes, profile);
        return profile;
    }

    /**
     * The profile parsed last, with what it was parsed from: the resident server (modkit server) opens the same
     * simulated kernel, and so the same profile, for command after command, and parsing its symbols took 15 ms of
     * each insmod's 20. A profile is immutable (its symbols are parsed once, on first use), so it is shared.
     */
    private record Parsed(String name, byte[] bytes, KernelProfile profile) {}

    private static volatile Parsed last;

    /**
     * The profile's text, all of it or ({@code headOnly}) at least up to the line that starts the symbols, cut
     * after a newline (UTF-8 is cut cleanly there, so the head is a prefix of the whole text).
     */
    private static String text(String name, byte[] bytes, boolean headOnly) {
        boolean gzip = bytes.length > 2 && bytes[0] == 0x1f && (bytes[1] & 0xff) == 0x8b;
        try (InputStream in = gzip ? new GZIPInputStream(new ByteArrayInputStream(bytes)) : new ByteArrayInputStream(bytes)) {
            if (!headOnly) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            byte[] buf = new byte[8192];
            int len = 0;
            int lineStart = 0;
            for (int n; (n = in.read(buf, len, buf.length - len)) > 0; ) {
                for (int i = len; i < len + n; i++) {
                    if (buf[i] == '\n') {
                        if (isSymbolsLine(buf, lineStart, i)) {
                            return new String(buf, 0, i + 1, StandardCharsets.UTF_8);
                        }
                        lineStart = i + 1;
                    }
                }
                len += n;
                if (len == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
            }
            return new String(buf, 0, len, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModkitException(name + ": cannot read kernel profile: " + e.getMessage());
        }
    }

    /** Whether bytes [start, end) are the line "symbols" or "fdescs", where the header ends. */
    private static boolean isSymbolsLine(byte[] b, int start, int end) {
        String line = end - start == 7 || end - start == 6 ? new String(b, start, end - start, StandardCharsets.US_ASCII) : "";
        return line.equals("symbols") || line.equals("fdescs");
    }

    /** Lines of a profile's text, with their numbers for messages. */
    private static final class Lines {
        private final String text;
        private int pos;
        int number;

        Lines(String text, int pos, int number) {
            this.text = text;
            this.pos = pos;
            this.number = number;
        }

        /** The next line without its newline, or null at the end. */
        String next() {
            if (pos >= text.length()) {
                return null;
            }
            int nl = text.indexOf('\n', pos);
            int end = nl < 0 ? text.length() : nl;
            String line = text.substring(pos, end);
            pos = nl < 0 ? text.length() : nl + 1;
            number++;
            return line;
        }
    }

    /**
     * The header now, from {@code text} (a prefix of the profile holding at least the header), and the symbols when
     * first asked for (see {@link SymbolMap#deferred}), from {@code whole}, all of it; a bad symbol line is then
     * reported with its file and line as before, only later.
     */
    private static KernelProfile parse(String name, String text, Supplier<String> whole) {
        Map<String, String> header = new LinkedHashMap<>();
        Map<String, String> config = new LinkedHashMap<>();
        List<String> certs = null;
        Lines lines = new Lines(text, 0, 0);
        // Where the symbol part starts (its "symbols" or "fdescs" line), for the parser that reads it later.
        Lines symbols = new Lines(text, text.length(), 0);
        while (true) {
            Lines here = new Lines(text, lines.pos, lines.number);
            String line = lines.next();
            if (line == null) {
                break;
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.equals("symbols") || line.equals("fdescs")) {
                symbols = here;
                break;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ModkitException(name + ":" + lines.number + ": expected key=value or 'symbols', got '" + line + "'");
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            if (key.equals("config")) {
                for (String kv : value.trim().split("\\s+")) {
                    int e2 = kv.indexOf('=');
                    if (e2 > 0) {
                        config.put(kv.substring(0, e2), kv.substring(e2 + 1));
                    }
                }
            } else if (key.equals("cert")) {
                certs = certs == null ? new ArrayList<>() : certs;
                if (!value.isBlank()) { // a lone "cert=": the kernel is known to trust no key
                    certs.add(value.trim());
                }
            } else {
                header.put(key, key.equals("vermagic") ? value : value.trim());
            }
        }
        for (String key : List.of("arch", "release", "vermagic")) {
            if (!header.containsKey(key)) {
                throw new ModkitException(name + ": kernel profile has no '" + key + "=' line");
            }
        }
        String[] area = header.getOrDefault("module_area", "").split("-");
        if (area.length != 2) {
            throw new ModkitException(name + ": kernel profile needs module_area=START-END (hex)");
        }
        int from = symbols.pos;
        int fromLine = symbols.number;
        boolean none = from >= text.length(); // no symbols line in the head: the head was the whole text
        return new KernelProfile(
                header.get("arch"),
                header.get("release"),
                header.get("vermagic"),
                Integer.parseInt(header.getOrDefault("page_size", defaultPageSize(header.get("arch")))),
                parseHex(name, area[0]),
                parseHex(name, area[1]),
                config,
                SymbolMap.deferred(() -> {
                    String all = none ? "" : whole.get();
                    return parseSymbols(name, new Lines(all, none ? all.length() : from, fromLine));
                }),
                certs);
    }

    /** A profile without a page_size line has its arch's default pages; 4096 for an arch modkit does not link. */
    private static String defaultPageSize(String arch) {
        Arch a = Arches.byName(arch);
        return String.valueOf(a == null ? 4096 : a.traits().pageSize());
    }

    private static SymbolMap parseSymbols(String name, Lines lines) {
        List<KernelSymbol> symbols = new ArrayList<>();
        Map<Long, long[]> descriptors = new LinkedHashMap<>();
        boolean inSymbols = false;
        boolean inDescriptors = false;
        for (String line; (line = lines.next()) != null; ) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (inDescriptors) {
                String[] f = fields(line);
                if (f.length != 3) {
                    throw new ModkitException(name + ":" + lines.number + ": bad descriptor line '" + line + "' (want: ADDRESS IP GP)");
                }
                String at = name + ":" + lines.number;
                descriptors.put(parseHex(at, f[0]), new long[] {parseHex(at, f[1]), parseHex(at, f[2])});
            } else if (line.equals("fdescs")) {
                inDescriptors = true;
            } else if (inSymbols) {
                symbols.add(symbolLine(name, lines.number, line));
            } else if (line.equals("symbols")) {
                inSymbols = true;
            } else {
                throw new ModkitException(name + ":" + lines.number + ": expected 'symbols' or 'fdescs', got '" + line + "'");
            }
        }
        return new SymbolMap(symbols, descriptors);
    }

    /**
     * Whitespace-separated fields. This runs for each of a profile's 10,000 symbols while insmod starts, mostly
     * interpreted: so no regex, no list, and a plain comparison for whitespace (a profile is ASCII) instead of a
     * call to Character.isWhitespace per character.
     */
    private static String[] fields(String line) {
        String[] out = new String[6];
        int count = 0;
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && line.charAt(i) <= ' ') {
                i++;
            }
            int start = i;
            while (i < n && line.charAt(i) > ' ') {
                i++;
            }
            if (i > start) {
                if (count == out.length) {
                    out = Arrays.copyOf(out, count * 2);
                }
                out[count++] = line.substring(start, i);
            }
        }
        return count == out.length ? out : Arrays.copyOf(out, count);
    }

    private static KernelSymbol symbolLine(String name, int lineNo, String line) {
        String[] f = fields(line);
        if (f.length < 4 || !f[2].startsWith("EXPORT_SYMBOL")) {
            throw new ModkitException(name + ":" + lineNo + ": bad symbol line '" + line
                    + "' (want: ADDRESS CRC|- EXPORT_SYMBOL[_GPL] NAME [NAMESPACE])");
        }
        // (the "file:line" of a message is made only for a bad number: this runs for every symbol of a profile)
        Long crc = f[1].equals("-") ? null : hexField(name, lineNo, f[1]);
        return new KernelSymbol(f[3], hexField(name, lineNo, f[0]), crc, f[2].endsWith("_GPL"),
                f.length > 4 ? f[4] : "", null);
    }

    private static long hexField(String name, int lineNo, String s) {
        if (s.length() <= 16 && !s.startsWith("0x") && !s.startsWith("0X")) {
            try {
                return Long.parseUnsignedLong(s, 16);
            } catch (NumberFormatException e) {
                // reported below, with its place
            }
        }
        return parseHex(name + ":" + lineNo, s);
    }

    static long parseHex(String where, String s) {
        String t = s.trim();
        if (t.startsWith("0x") || t.startsWith("0X")) {
            t = t.substring(2);
        }
        try {
            return Long.parseUnsignedLong(t, 16);
        } catch (NumberFormatException e) {
            throw new ModkitException(where + ": '" + s + "' is not a hex number");
        }
    }

    public static byte[] toBytes(KernelProfile p, boolean gzip) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = gzip ? new GZIPOutputStream(bytes) : bytes;
                Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            w.write("# modkit kernel profile\n");
            w.write("arch=" + p.arch() + "\n");
            w.write("release=" + p.release() + "\n");
            w.write("vermagic=" + p.vermagic() + "\n");
            w.write("page_size=" + p.pageSize() + "\n");
            w.write("module_area=0x" + Long.toHexString(p.moduleAreaStart()) + "-0x" + Long.toHexString(p.moduleAreaEnd()) + "\n");
            StringBuilder c = new StringBuilder();
            p.config().forEach((k, v) -> c.append(c.isEmpty() ? "" : " ").append(k).append('=').append(v));
            w.write("config=" + c + "\n");
            if (p.certificates() != null) {
                if (p.certificates().isEmpty()) {
                    w.write("cert=\n");
                }
                for (String cert : p.certificates()) {
                    w.write("cert=" + cert + "\n");
                }
            }
            w.write("symbols\n");
            List<KernelSymbol> sorted = new ArrayList<>(p.symbols().all());
            sorted.sort(Comparator.comparing(KernelSymbol::name));
            for (KernelSymbol s : sorted) {
                w.write(Long.toHexString(s.address()) + " " + (s.crc() == null ? "-" : String.format("%08x", s.crc()))
                        + " " + (s.gpl() ? "EXPORT_SYMBOL_GPL " : "EXPORT_SYMBOL ") + s.name()
                        + (s.namespace().isEmpty() ? "" : " " + s.namespace()) + "\n");
            }
            if (!p.symbols().descriptors().isEmpty()) {
                w.write("fdescs\n");
                List<Long> addresses = new ArrayList<>(p.symbols().descriptors().keySet());
                addresses.sort(Long::compareUnsigned);
                for (long a : addresses) {
                    long[] d = p.symbols().descriptors().get(a);
                    w.write(Long.toHexString(a) + " " + Long.toHexString(d[0]) + " " + Long.toHexString(d[1]) + "\n");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static void write(KernelProfile p, Path out) {
        try {
            Files.write(out, toBytes(p, out.toString().endsWith(".gz")));
        } catch (IOException e) {
            throw new ModkitException(out + ": cannot write kernel profile: " + e.getMessage());
        }
    }
}
