package modkit.kernel.linux;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import modkit.elf.ModkitException;

/**
 * /proc/kallsyms read for what a loader needs: the addresses of symbols, and which symbols are exported. In 6.1
 * every {@code EXPORT_SYMBOL(x)} leaves a symbol {@code __ksymtab_x} (the entry of the export table), in the kernel
 * image and in modules alike; the image's GPL-only entries lie between {@code __start___ksymtab_gpl} and
 * {@code __stop___ksymtab_gpl}. Where {@code kptr_restrict} hides addresses every one reads as 0.
 */
final class Kallsyms {
    private static final String KSYMTAB = "__ksymtab_";

    /** The kernel image's symbols, first address of a name. */
    final Map<String, Long> kernel = new HashMap<>(1 << 18);
    /** The image's exports, each with the address of its {@code __ksymtab_} entry, in the file's order. */
    final Map<String, Long> kernelExports = new LinkedHashMap<>();
    /** Each module's symbols and exports, by module name, in the file's order. */
    final Map<String, ModuleSymbols> modules = new LinkedHashMap<>();
    boolean addressesVisible;
    /** The image lists data symbols (type D or B): only CONFIG_KALLSYMS_ALL keeps them. */
    boolean hasDataSymbols;

    /** One module's part of kallsyms. */
    static final class ModuleSymbols {
        final Map<String, Long> symbols = new HashMap<>();
        final Map<String, Long> exports = new LinkedHashMap<>();
    }

    private Kallsyms() {}

    /** Reads the file; with {@code modulesOnly} the kernel image's lines are skipped (they come first). */
    static Kallsyms read(Path file, boolean modulesOnly) {
        Kallsyms k = new Kallsyms();
        int lineNo = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                k.add(file, lineNo, line, modulesOnly);
            }
        } catch (IOException e) {
            throw new ModkitException(file + ": cannot read: " + e.getMessage());
        }
        return k;
    }

    /** "ADDRESS TYPE NAME" for the image, "ADDRESS TYPE NAME\t[MODULE]" for a module. */
    private void add(Path file, int lineNo, String line, boolean modulesOnly) {
        int sp1 = line.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 != sp1 + 2) {
            if (line.isBlank()) {
                return;
            }
            throw new ModkitException(file + ":" + lineNo + ": not a kallsyms line: '" + line + "'");
        }
        int tab = line.indexOf('\t', sp2 + 1);
        if (tab < 0 && modulesOnly) {
            return;
        }
        long address;
        try {
            address = Long.parseUnsignedLong(line, 0, sp1, 16);
        } catch (NumberFormatException e) {
            throw new ModkitException(file + ":" + lineNo + ": not a kallsyms address: '" + line.substring(0, sp1) + "'");
        }
        addressesVisible |= address != 0;
        String name = line.substring(sp2 + 1, tab < 0 ? line.length() : tab);
        if (tab < 0) {
            char type = line.charAt(sp1 + 1);
            hasDataSymbols |= type == 'D' || type == 'B';
            kernel.putIfAbsent(name, address);
            if (name.startsWith(KSYMTAB)) {
                kernelExports.put(name.substring(KSYMTAB.length()), address);
            }
            return;
        }
        int open = line.indexOf('[', tab);
        int close = line.indexOf(']', open + 1);
        if (open < 0 || close < 0) {
            throw new ModkitException(file + ":" + lineNo + ": not a kallsyms module line: '" + line + "'");
        }
        ModuleSymbols m = modules.computeIfAbsent(line.substring(open + 1, close), x -> new ModuleSymbols());
        m.symbols.putIfAbsent(name, address);
        if (name.startsWith(KSYMTAB)) {
            m.exports.put(name.substring(KSYMTAB.length()), address);
        }
    }

    /** True if the image's export entry at {@code entry} is in its GPL-only table; false where that cannot be told. */
    boolean kernelGplOnly(long entry) {
        Long start = kernel.get("__start___ksymtab_gpl");
        Long stop = kernel.get("__stop___ksymtab_gpl");
        return addressesVisible && start != null && stop != null && Long.compareUnsigned(entry, start) >= 0
                && Long.compareUnsigned(entry, stop) < 0;
    }

    /** Names of the image's exports in the file's order. */
    List<String> kernelExportNames() {
        return new ArrayList<>(kernelExports.keySet());
    }
}
