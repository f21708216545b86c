package modkit.kernel.signature;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import modkit.elf.ModkitException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.tukaani.xz.SingleXZInputStream;

/**
 * The certificates a kernel image has built in: {@code certs/system_certificates.S} puts them, DER back to back,
 * between {@code system_certificate_list} and {@code system_certificate_list + system_certificate_list_size}
 * (the module signing key first, {@code __module_cert_start}), and {@code load_system_certificate_list} loads them
 * into {@code .builtin_trusted_keys} at boot.
 *
 * <p>Reads a vmlinux (ELF) or an x86 bzImage (vmlinuz: the setup header's {@code payload_offset} and
 * {@code payload_length} locate the compressed vmlinux, xz or gzip). A stripped vmlinux, as a bzImage carries,
 * has no symbols: the two addresses then come from the kernel's System.map.
 */
public final class KernelCertificates {
    private KernelCertificates() {}

    /**
     * The built-in certificates of {@code image} (vmlinuz or vmlinux); {@code systemMap} (text, may be null) gives
     * the symbol addresses where the image has no symbol table.
     */
    public static List<X509CertificateHolder> extract(Path image, Map<String, Long> systemMap) {
        byte[] data;
        try {
            data = Files.readAllBytes(image);
        } catch (IOException e) {
            throw new ModkitException(image + ": cannot read: " + e.getMessage());
        }
        byte[] vmlinux = isElf(data) ? data : decompressBzImage(image, data);
        return fromVmlinux(image.toString(), vmlinux, systemMap);
    }

    /** The two symbols the certificate list needs, from a System.map (text, or gzip-compressed). */
    public static Map<String, Long> readSystemMap(Path systemMap) {
        Map<String, Long> out = new java.util.HashMap<>();
        try (InputStream raw = Files.newInputStream(systemMap);
                InputStream in = systemMap.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 3 && (f[2].equals("system_certificate_list") || f[2].equals("system_certificate_list_size"))) {
                    out.put(f[2], Long.parseUnsignedLong(f[0], 16));
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new ModkitException(systemMap + ": cannot read System.map: " + e.getMessage());
        }
        return out;
    }

    private static boolean isElf(byte[] d) {
        return d.length > 4 && d[0] == 0x7f && d[1] == 'E' && d[2] == 'L' && d[3] == 'F';
    }

    /** The vmlinux inside an x86 bzImage (boot protocol 2.08+). */
    static byte[] decompressBzImage(Path file, byte[] d) {
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        if (d.length < 0x250 || b.getInt(0x202) != 0x53726448 /* "HdrS" */ || (b.getShort(0x206) & 0xffff) < 0x208) {
            throw new ModkitException(file + ": neither an ELF vmlinux nor an x86 bzImage (boot protocol 2.08 or later)",
                    "give the kernel's vmlinux, or its vmlinuz from /boot");
        }
        int setupSects = d[0x1f1] & 0xff;
        int start = ((setupSects == 0 ? 4 : setupSects) + 1) * 512 + b.getInt(0x248);
        int length = b.getInt(0x24c);
        if (start < 0 || length <= 0 || start + (long) length > d.length) {
            throw new ModkitException(file + ": bzImage payload at 0x" + Integer.toHexString(start) + " (+0x"
                    + Integer.toHexString(length) + ") lies outside the file");
        }
        try (InputStream in = decompressor(file, d, start, length)) {
            byte[] out = in.readAllBytes();
            if (!isElf(out)) {
                throw new ModkitException(file + ": the bzImage payload does not decompress to an ELF vmlinux");
            }
            return out;
        } catch (IOException e) {
            throw new ModkitException(file + ": cannot decompress the bzImage payload: " + e.getMessage());
        }
    }

    private static InputStream decompressor(Path file, byte[] d, int start, int length) throws IOException {
        InputStream raw = new ByteArrayInputStream(d, start, length);
        if ((d[start] & 0xff) == 0xfd && d[start + 1] == '7' && d[start + 2] == 'z' && d[start + 3] == 'X') {
            return new SingleXZInputStream(raw); // one stream: the kernel's image size follows it
        }
        if ((d[start] & 0xff) == 0x1f && (d[start + 1] & 0xff) == 0x8b) {
            return new GZIPInputStream(raw);
        }
        throw new ModkitException(file + ": the bzImage payload is compressed with something other than xz or gzip"
                + " (magic " + String.format("%02x %02x", d[start], d[start + 1]) + ")",
                "decompress it first (scripts/extract-vmlinux) and give the vmlinux");
    }

    static List<X509CertificateHolder> fromVmlinux(String file, byte[] elf, Map<String, Long> systemMap) {
        Vmlinux v = new Vmlinux(file, elf);
        Long list = v.symbol("system_certificate_list", systemMap);
        Long sizeAt = v.symbol("system_certificate_list_size", systemMap);
        if (list == null || sizeAt == null) {
            throw new ModkitException(file + ": cannot find system_certificate_list and system_certificate_list_size"
                    + " (the image has no symbols)", "give the kernel's System.map with --system-map");
        }
        long size = v.is64 ? v.buf.getLong(v.offset(sizeAt, 8)) : v.buf.getInt(v.offset(sizeAt, 4)) & 0xffffffffL;
        int at = v.offset(list, size);
        List<X509CertificateHolder> out = new ArrayList<>();
        int end = at + (int) size;
        while (at < end) {
            // Each certificate is a DER SEQUENCE: 0x30, then its length (short or long form).
            if ((elf[at] & 0xff) != 0x30) {
                throw new ModkitException(file + ": no certificate at 0x" + Integer.toHexString(at)
                        + " in system_certificate_list (byte 0x" + Integer.toHexString(elf[at] & 0xff) + ")");
            }
            int lenByte = elf[at + 1] & 0xff;
            int header = 2;
            long len = lenByte;
            if (lenByte >= 0x80) {
                int n = lenByte & 0x7f;
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (elf[at + 2 + i] & 0xff);
                }
                header += n;
            }
            int total = (int) (header + len);
            if (at + total > end) {
                throw new ModkitException(file + ": certificate at 0x" + Integer.toHexString(at) + " runs past the end of system_certificate_list");
            }
            out.add(Keyring.parseDer(file + " at 0x" + Integer.toHexString(at), java.util.Arrays.copyOfRange(elf, at, at + total)));
            at += total;
        }
        return out;
    }

    /** Just enough of an ELF executable: its loadable segments and, if it has one, its symbol table. */
    private static final class Vmlinux {
        final String file;
        final ByteBuffer buf;
        final boolean is64;
        final List<long[]> segments = new ArrayList<>(); // vaddr, offset, filesz

        Vmlinux(String file, byte[] elf) {
            this.file = file;
            is64 = elf[4] == 2;
            buf = ByteBuffer.wrap(elf).order(elf[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            long phoff = is64 ? buf.getLong(0x20) : buf.getInt(0x1c) & 0xffffffffL;
            int phentsize = buf.getShort(is64 ? 0x36 : 0x2a) & 0xffff;
            int phnum = buf.getShort(is64 ? 0x38 : 0x2c) & 0xffff;
            for (int i = 0; i < phnum; i++) {
                int p = (int) (phoff + (long) i * phentsize);
                if (buf.getInt(p) != 1) { // PT_LOAD
                    continue;
                }
                if (is64) {
                    segments.add(new long[] {buf.getLong(p + 16), buf.getLong(p + 8), buf.getLong(p + 32)});
                } else {
                    segments.add(new long[] {buf.getInt(p + 8) & 0xffffffffL, buf.getInt(p + 4) & 0xffffffffL,
                        buf.getInt(p + 16) & 0xffffffffL});
                }
            }
        }

        /** File offset of [vaddr, vaddr + size). */
        int offset(long vaddr, long size) {
            for (long[] s : segments) {
                if (Long.compareUnsigned(vaddr, s[0]) >= 0 && Long.compareUnsigned(vaddr + size, s[0] + s[2]) <= 0) {
                    return (int) (s[1] + (vaddr - s[0]));
                }
            }
            throw new ModkitException(file + ": address 0x" + Long.toHexString(vaddr) + " is in none of the image's loadable segments",
                    "is the System.map that of this kernel?");
        }

        /** A symbol's address from the image's own symbol table, else from the System.map. */
        Long symbol(String name, Map<String, Long> systemMap) {
            Long own = elfSymbol(name);
            return own != null ? own : systemMap == null ? null : systemMap.get(name);
        }

        private Long elfSymbol(String name) {
            long shoff = is64 ? buf.getLong(0x28) : buf.getInt(0x20) & 0xffffffffL;
            int shentsize = buf.getShort(is64 ? 0x3a : 0x2e) & 0xffff;
            int shnum = buf.getShort(is64 ? 0x3c : 0x30) & 0xffff;
            if (shoff == 0 || shnum == 0) {
                return null;
            }
            for (int i = 0; i < shnum; i++) {
                int sh = (int) (shoff + (long) i * shentsize);
                if (buf.getInt(sh + 4) != 2) { // SHT_SYMTAB
                    continue;
                }
                long off = is64 ? buf.getLong(sh + 0x18) : buf.getInt(sh + 0x10) & 0xffffffffL;
                long size = is64 ? buf.getLong(sh + 0x20) : buf.getInt(sh + 0x14) & 0xffffffffL;
                int link = buf.getInt(is64 ? sh + 0x28 : sh + 0x18);
                int str = (int) (shoff + (long) link * shentsize);
                long stroff = is64 ? buf.getLong(str + 0x18) : buf.getInt(str + 0x10) & 0xffffffffL;
                int entsize = is64 ? 24 : 16;
                byte[] want = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                for (long e = off; e < off + size; e += entsize) {
                    int nameAt = (int) (stroff + (buf.getInt((int) e) & 0xffffffffL));
                    if (matches(nameAt, want)) {
                        return is64 ? buf.getLong((int) e + 8) : buf.getInt((int) e + 4) & 0xffffffffL;
                    }
                }
            }
            return null;
        }

        private boolean matches(int at, byte[] want) {
            if (at + want.length >= buf.capacity()) {
                return false;
            }
            for (int i = 0; i < want.length; i++) {
                if (buf.get(at + i) != want[i]) {
                    return false;
                }
            }
            return buf.get(at + want.length) == 0;
        }
    }
}
