package modkit.moddir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;
import modkit.elf.ModkitException;
import modkit.elf.ModuleNames;

/**
 * The text alias files depmod writes, read the way kmod reads their binary twins ({@code .bin}).
 *
 * <p>Format: one {@code alias PATTERN MODULE} per line, {@code #} comments. modules.alias holds the
 * {@code alias=} entries of every module's .modinfo (patterns such as {@code usb:v*p*d*dc*...}); modules.symbols
 * holds {@code alias symbol:NAME MODULE} for every exported symbol. Patterns are stored as kmod stores them in
 * the index: dashes outside brackets turned into underscores.
 *
 * <p>Lookup: every entry whose pattern matches the name, as {@code fnmatch}. kmod's index returns the matches
 * ordered by the module's position in modules.order (depmod's "priority"), equal positions in file order, and
 * keeps duplicates (a name matching two patterns of one module yields that module twice, and modprobe probes it
 * twice). The dump for {@code modprobe -c} is sorted by pattern, then priority: byte for byte what kmod 30 prints
 * from the .bin files of the amd64 corpus.
 */
public final class AliasIndex {
    /** One line: the normalised pattern, the module, and the line's position in the file. */
    public record Entry(String pattern, String module, int line) {}

    private final List<Entry> entries;

    private AliasIndex(List<Entry> entries) {
        this.entries = entries;
    }

    public static AliasIndex empty() {
        return new AliasIndex(List.of());
    }

    /** Reads an alias file; a missing file is an empty index (kmod looks up nothing in an index it lacks). */
    public static AliasIndex read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return empty();
        } catch (IOException e) {
            throw new ModkitException(file + ": cannot read: " + e.getMessage());
        }
        List<Entry> out = new ArrayList<>();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] w = t.split("\\s+");
            if (w.length != 3 || !w[0].equals("alias")) {
                throw new ModkitException(file + ":" + n + ": expected 'alias PATTERN MODULE', got '" + t + "'",
                        "regenerate it with depmod");
            }
            out.add(new Entry(ModuleNames.underscores(w[1]), w[2], n));
        }
        return new AliasIndex(out);
    }

    /** Builds an index from (pattern, module) pairs, as read from modules.builtin.modinfo. */
    public static AliasIndex of(List<Entry> entries) {
        return new AliasIndex(List.copyOf(entries));
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Modules whose patterns match {@code name}, by priority (lower first), duplicates kept. */
    public List<String> lookup(String name, ToIntFunction<String> priority) {
        List<Entry> hits = new ArrayList<>();
        for (Entry e : entries) {
            if (Fnmatch.matches(e.pattern(), name)) {
                hits.add(e);
            }
        }
        hits.sort(Comparator.comparingInt((Entry e) -> priority.applyAsInt(e.module())));
        return hits.stream().map(Entry::module).toList();
    }

    /** {@code alias PATTERN MODULE} lines sorted as kmod's index dump. */
    public String dump(ToIntFunction<String> priority) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(Entry::pattern, AliasIndex::compareBytes)
                .thenComparingInt(e -> priority.applyAsInt(e.module())));
        StringBuilder b = new StringBuilder();
        for (Entry e : sorted) {
            b.append("alias ").append(e.pattern()).append(' ').append(e.module()).append('\n');
        }
        return b.toString();
    }

    /** strcmp order: unsigned bytes (the files are ASCII; ISO-8859-1 keeps any other byte as one char). */
    private static int compareBytes(String a, String b) {
        return a.compareTo(b);
    }
}
