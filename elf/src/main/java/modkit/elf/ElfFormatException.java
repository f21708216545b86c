package modkit.elf;

/** The file is not an ELF relocatable object the kernel would accept; the message names the bad field. */
public final class ElfFormatException extends ModkitException {
    public ElfFormatException(String file, String detail) {
        super(file + ": " + detail);
    }
}
