package modkit.depmod;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal x86_64 kernel module (ELF64 relocatable) with just what depmod and modinfo read: {@code .modinfo}
 * strings, exports as {@code __crc_<name>} symbols into {@code __kcrctab} plus their names in
 * {@code __ksymtab_strings}, needed symbols as undefined entries of {@code .symtab}, and their CRCs in
 * {@code __versions}. A {@code .gnu.linkonce.this_module} section makes it acceptable to the kernel's checks.
 */
public final class SyntheticModule {
    private final List<String> modinfo = new ArrayList<>();
    private final Map<String, Long> exports = new LinkedHashMap<>();
    private final Map<String, Long> needs = new LinkedHashMap<>();
    private final List<String> weakNeeds = new ArrayList<>();

    public SyntheticModule info(String key, String value) {
        modinfo.add(key + "=" + value);
        return this;
    }

    public SyntheticModule export(String name, long crc) {
        exports.put(name, crc);
        return this;
    }

    /** An undefined symbol; a non-null CRC also goes into __versions. */
    public SyntheticModule need(String name, Long crc) {
        needs.put(name, crc);
        return this;
    }

    SyntheticModule weakNeed(String name) {
        weakNeeds.add(name);
        return this;
    }

    private static final int SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3;
    private static final long SHF_ALLOC = 2, SHF_WRITE = 1;

    private record Sec(String name, int type, long flags, byte[] data, int link, int info, int align, int entsize) {}

    public byte[] bytes() {
        ByteArrayOutputStream mi = new ByteArrayOutputStream();
        for (String s : modinfo) {
            mi.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            mi.write(0);
        }
        ByteArrayOutputStream kstr = new ByteArrayOutputStream();
        ByteBuffer crcs = le(4 * exports.size());
        for (Map.Entry<String, Long> e : exports.entrySet()) {
            kstr.writeBytes(e.getKey().getBytes(StandardCharsets.ISO_8859_1));
            kstr.write(0);
            crcs.putInt((int) (long) e.getValue());
        }
        List<Map.Entry<String, Long>> versioned = new ArrayList<>();
        for (Map.Entry<String, Long> e : needs.entrySet()) {
            if (e.getValue() != null) {
                versioned.add(e);
            }
        }
        ByteBuffer vers = le(64 * versioned.size());
        for (Map.Entry<String, Long> e : versioned) {
            int at = vers.position();
            vers.putLong(e.getValue());
            vers.put(e.getKey().getBytes(StandardCharsets.ISO_8859_1));
            vers.position(at + 64);
        }
        // Section indexes: 1 .modinfo, 2 __ksymtab_strings, 3 __kcrctab, 4 __versions, 5 this_module,
        // 6 .symtab, 7 .strtab, 8 .shstrtab
        Strtab strtab = new Strtab();
        ByteBuffer syms = le(24 * (1 + exports.size() + needs.size() + weakNeeds.size()));
        syms.position(24);
        int crcOffset = 0;
        for (String name : exports.keySet()) {
            sym(syms, strtab.add("__crc_" + name), 0 /* LOCAL NOTYPE */, 3, crcOffset);
            crcOffset += 4;
        }
        int firstGlobal = 1 + exports.size();
        for (String name : needs.keySet()) {
            sym(syms, strtab.add(name), 0x10 /* GLOBAL NOTYPE */, 0, 0);
        }
        for (String name : weakNeeds) {
            sym(syms, strtab.add(name), 0x20 /* WEAK NOTYPE */, 0, 0);
        }
        List<Sec> secs = List.of(
                new Sec(".modinfo", SHT_PROGBITS, SHF_ALLOC, mi.toByteArray(), 0, 0, 1, 0),
                new Sec("__ksymtab_strings", SHT_PROGBITS, SHF_ALLOC, kstr.toByteArray(), 0, 0, 1, 1),
                new Sec("__kcrctab", SHT_PROGBITS, SHF_ALLOC, crcs.array(), 0, 0, 4, 0),
                new Sec("__versions", SHT_PROGBITS, SHF_ALLOC, vers.array(), 0, 0, 32, 0),
                new Sec(".gnu.linkonce.this_module", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, new byte[64], 0, 0, 64, 0),
                new Sec(".symtab", SHT_SYMTAB, 0, syms.array(), 7, firstGlobal, 8, 24),
                new Sec(".strtab", SHT_STRTAB, 0, strtab.bytes(), 0, 0, 1, 0),
                new Sec(".shstrtab", SHT_STRTAB, 0, null, 0, 0, 1, 0));
        Strtab shstr = new Strtab();
        int[] names = new int[secs.size()];
        for (int i = 0; i < secs.size(); i++) {
            names[i] = shstr.add(secs.get(i).name);
        }
        byte[] shstrBytes = shstr.bytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[64]);
        long[] offsets = new long[secs.size()];
        long[] sizes = new long[secs.size()];
        for (int i = 0; i < secs.size(); i++) {
            byte[] d = secs.get(i).data == null ? shstrBytes : secs.get(i).data;
            while (out.size() % 64 != 0) {
                out.write(0);
            }
            offsets[i] = out.size();
            sizes[i] = d.length;
            out.writeBytes(d);
        }
        while (out.size() % 8 != 0) {
            out.write(0);
        }
        long shoff = out.size();
        ByteBuffer sh = le(64 * (secs.size() + 1));
        sh.position(64);
        for (int i = 0; i < secs.size(); i++) {
            Sec s = secs.get(i);
            sh.putInt(names[i]).putInt(s.type).putLong(s.flags).putLong(0).putLong(offsets[i]).putLong(sizes[i])
                    .putInt(s.link).putInt(s.info).putLong(s.align).putLong(s.entsize);
        }
        out.writeBytes(sh.array());
        byte[] file = out.toByteArray();
        ByteBuffer h = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        h.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        h.position(16);
        h.putShort((short) 1).putShort((short) 62).putInt(1).putLong(0).putLong(0).putLong(shoff).putInt(0)
                .putShort((short) 64).putShort((short) 0).putShort((short) 0).putShort((short) 64)
                .putShort((short) (secs.size() + 1)).putShort((short) secs.size());
        return file;
    }

    private static void sym(ByteBuffer b, int name, int info, int shndx, long value) {
        b.putInt(name).put((byte) info).put((byte) 0).putShort((short) shndx).putLong(value).putLong(0);
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static final class Strtab {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Strtab() {
            out.write(0);
        }

        int add(String s) {
            int at = out.size();
            out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            out.write(0);
            return at;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
