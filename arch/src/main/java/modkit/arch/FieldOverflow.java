package modkit.arch;

/**
 * A value that cannot be stored in its field, or a field that is not in the state the store requires. It carries
 * only what went wrong with the bits ("0x100000040 does not fit in signed 32 bits"); the linker loop adds the
 * file, section, offset, relocation type and symbol.
 */
public final class FieldOverflow extends Exception {
    public FieldOverflow(String detail) {
        super(detail, null, false, false);
    }
}
