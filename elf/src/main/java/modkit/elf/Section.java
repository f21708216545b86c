package modkit.elf;

/**
 * One section header of a relocatable object, with its name resolved. Field names follow {@code Elf_Shdr}.
 *
 * @param index position in the section header table (what symbols' {@code st_shndx} and {@code sh_info} refer to)
 */
public record Section(
        int index,
        String name,
        int type,
        long flags,
        long addr,
        long offset,
        long size,
        int link,
        int info,
        long addralign,
        long entsize) {

    public static final int SHT_NULL = 0;
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_RELA = 4;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_REL = 9;

    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;
    public static final long SHF_MERGE = 0x10;
    public static final long SHF_STRINGS = 0x20;
    public static final long SHF_INFO_LINK = 0x40;
    /** Linux-internal flag set by the loader on {@code .data..ro_after_init} and {@code __jump_table}. */
    public static final long SHF_RO_AFTER_INIT = 0x00200000;

    public boolean isAlloc() {
        return (flags & SHF_ALLOC) != 0;
    }

    public boolean isNobits() {
        return type == SHT_NOBITS;
    }

    public boolean isRelocation() {
        return type == SHT_REL || type == SHT_RELA;
    }

    /** "section+0x1a" as used in every located message. */
    public String at(long offsetInSection) {
        return "(" + name + "+0x" + Long.toHexString(offsetInSection) + ")";
    }
}
