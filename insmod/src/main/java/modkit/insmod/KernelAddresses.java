package modkit.insmod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import modkit.elf.ModkitException;

/**
 * Where a kernel placed a module, for a dry link at its addresses: region bases given as
 * {@code core=ADDR,init=ADDR[,percpu=ADDR]} (6.4+ region names too), or a listing of section addresses such as
 * /sys/module/NAME/sections, from which each region's base follows through the layout.
 *
 * @param regions region name to base address ("percpu" for the per-cpu copy)
 * @param sections section name to address, from a listing; empty when bases were given
 */
public record KernelAddresses(Map<String, Long> regions, Map<String, Long> sections) {
    /** {@code core=0xffffffffc0230000,init=0xffffffffc0236000,percpu=0x3d6c0}. */
    public static KernelAddresses parse(String spec) {
        Map<String, Long> regions = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new ModkitException("--at: '" + part + "' is not REGION=ADDRESS", "e.g. --at core=0xffffffffc0230000,init=0xffffffffc0236000");
            }
            regions.put(part.substring(0, eq).trim(), address("--at " + part, part.substring(eq + 1).trim()));
        }
        return new KernelAddresses(regions, Map.of());
    }

    /**
     * A directory with one file per section holding its address (/sys/module/NAME/sections), or a file of
     * "NAME ADDRESS" lines.
     */
    public static KernelAddresses readSections(Path listing) {
        Map<String, Long> sections = new LinkedHashMap<>();
        try {
            if (Files.isDirectory(listing)) {
                try (Stream<Path> files = Files.list(listing)) {
                    for (Path f : files.sorted().toList()) {
                        sections.put(f.getFileName().toString(), address(f.toString(), Files.readString(f).trim()));
                    }
                }
            } else {
                int n = 0;
                for (String line : Files.readAllLines(listing)) {
                    n++;
                    String[] f = line.trim().split("\\s+");
                    if (line.isBlank()) {
                        continue;
                    }
                    if (f.length != 2) {
                        throw new ModkitException(listing + ":" + n + ": not a 'SECTION ADDRESS' line: '" + line + "'");
                    }
                    sections.put(f[0], address(listing + ":" + n, f[1]));
                }
            }
        } catch (IOException e) {
            throw new ModkitException(listing + ": cannot read the section listing: " + e.getMessage());
        }
        return new KernelAddresses(Map.of(), sections);
    }

    private static long address(String where, String text) {
        try {
            return Long.parseUnsignedLong(text.startsWith("0x") ? text.substring(2) : text, 16);
        } catch (NumberFormatException e) {
            throw new ModkitException(where + ": '" + text + "' is not a hex address");
        }
    }

    /** The base of each region: given, or the address of the region's first listed section less its offset. */
    public Map<String, Long> bases(Layout layout) {
        Map<String, Long> bases = new LinkedHashMap<>(regions);
        for (Layout.Placement p : layout.placements()) {
            Long at = sections.get(p.section().name());
            if (at != null) {
                bases.putIfAbsent(p.region(), at - p.offset());
            }
        }
        return bases;
    }

    /** Every listed section the link placed elsewhere: one line each, naming both addresses. */
    public List<String> disagreements(LinkResult link) {
        List<String> out = new ArrayList<>();
        for (LinkResult.PlacedSection s : link.sections()) {
            Long at = sections.get(s.name());
            if (at != null && at != s.address()) {
                out.add(s.name() + ": the kernel placed it at 0x" + Long.toHexString(at) + ", this link at 0x"
                        + Long.toHexString(s.address()) + " (" + s.region() + "+0x" + Long.toHexString(s.offset()) + ")");
            }
        }
        return out;
    }
}
