package modkit.elf;

/** One {@code struct modversion_info} of the {@code __versions} section: the CRC the module was built against. */
public record VersionEntry(String name, long crc) {}
