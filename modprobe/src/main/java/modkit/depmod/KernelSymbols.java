package modkit.depmod;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import modkit.elf.ModkitException;

/**
 * The symbols the kernel image itself exports, for {@code depmod -e}: from a System.map ({@code -F}: every
 * {@code __ksymtab_NAME} symbol, no CRCs) or a Module.symvers ({@code -E}: lines {@code CRC NAME vmlinux ...},
 * with CRCs, which turns on the version check). Either file may be gzip-compressed. Like kmod, both add the
 * symbols the module loader provides itself ({@code __this_module}, {@code _GLOBAL_OFFSET_TABLE_}, {@code TOC.}).
 */
public final class KernelSymbols {
    private KernelSymbols() {}

    /** Kernel symbol name to CRC (0 when unknown), in file order. */
    public static Map<String, Long> fromSystemMap(Path file, char prefix, Consumer<String> err) {
        Map<String, Long> out = new LinkedHashMap<>();
        int n = 0;
        for (String line : lines(file)) {
            n++;
            int sp1 = line.indexOf(' ');
            int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
            if (sp2 < 0) {
                err.accept(file + ":" + n + ": invalid line: " + line);
                continue;
            }
            String name = line.substring(sp2 + 1);
            if (prefix != 0 && !name.isEmpty() && name.charAt(0) == prefix) {
                name = name.substring(1);
            }
            if (name.startsWith("__ksymtab_")) {
                out.put(name.substring("__ksymtab_".length()), 0L);
            }
        }
        addLoaderSymbols(out);
        return out;
    }

    public static Map<String, Long> fromSymvers(Path file, char prefix, Consumer<String> err) {
        Map<String, Long> out = new LinkedHashMap<>();
        int n = 0;
        for (String line : lines(file)) {
            n++;
            String[] f = line.trim().split("[ \t]+");
            if (f.length < 3 || !f[2].equals("vmlinux")) {
                continue;
            }
            String ver = f[0].startsWith("0x") || f[0].startsWith("0X") ? f[0].substring(2) : f[0];
            long crc;
            try {
                crc = Long.parseUnsignedLong(ver, 16);
            } catch (NumberFormatException e) {
                err.accept(file + ":" + n + " Invalid symbol version " + f[0]);
                continue;
            }
            String name = f[1];
            if (prefix != 0 && !name.isEmpty() && name.charAt(0) == prefix) {
                name = name.substring(1);
            }
            out.put(name, crc);
        }
        addLoaderSymbols(out);
        return out;
    }

    private static void addLoaderSymbols(Map<String, Long> out) {
        out.put("__this_module", 0L);
        out.put("_GLOBAL_OFFSET_TABLE_", 0L);
        out.putIfAbsent("TOC.", 0L);
    }

    private static Iterable<String> lines(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(2);
            boolean gz = head.length == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
            var raw = Files.newInputStream(file);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(
                    gz ? new GZIPInputStream(raw) : raw, StandardCharsets.ISO_8859_1))) {
                return r.lines().toList();
            }
        } catch (NoSuchFileException e) {
            throw new ModkitException(file + ": no such file");
        } catch (IOException e) {
            throw new ModkitException(file + ": cannot read: " + e.getMessage());
        }
    }
}
