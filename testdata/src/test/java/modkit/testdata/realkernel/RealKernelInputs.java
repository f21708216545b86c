package modkit.testdata.realkernel;

import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import modkit.elf.ModuleSignature;
import modkit.elf.ObjectFile;
import modkit.elf.Section;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * The files the real-kernel scenarios load, made from corpus modules before the guest boots: compressed copies,
 * copies with their signature stripped and one fact changed (a symbol version, the vermagic), a signed copy with
 * one byte of its contents changed, and a /lib/modules tree over the corpus with kmod's own depmod output.
 */
final class RealKernelInputs {
    static final String RELEASE = "6.1.0-56-amd64";

    private RealKernelInputs() {}

    static void make(Path corpus, Path inputs) throws IOException {
        Files.createDirectories(inputs);
        byte[] dummy = Files.readAllBytes(corpus.resolve("kernel/drivers/net/dummy.ko"));
        write(inputs.resolve("compressed/dummy.ko.gz"), gzip(dummy));
        write(inputs.resolve("compressed/dummy.ko.xz"), xz(dummy));
        write(inputs.resolve("compressed/dummy.ko.zst"), zstd(dummy));

        byte[] unsigned = unsigned(dummy);
        write(inputs.resolve("unsigned/dummy.ko"), unsigned);
        write(inputs.resolve("bad-crc/dummy.ko"), withCrcChanged(unsigned, "netif_carrier_on"));
        write(inputs.resolve("bad-vermagic/dummy.ko"),
                replaced(unsigned, "vermagic=" + RELEASE + " SMP preempt ", "vermagic=" + RELEASE + " SMP preemqt "));
        // Signed, with one letter of its alias changed: the signature no longer matches the contents.
        write(inputs.resolve("bad-signature/dummy.ko"), replaced(dummy, "alias=rtnl-link-dummy", "alias=rtnl-link-dummz"));

        Path tree = inputs.resolve("root/lib/modules/" + RELEASE);
        Files.createDirectories(tree);
        Files.createSymbolicLink(tree.resolve("kernel"), corpus.resolve("kernel"));
        try (var files = Files.list(corpus.resolve("expected-kmod"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().startsWith("modules.")) {
                    Files.copy(f, tree.resolve(f.getFileName()));
                }
            }
        }
        for (String f : new String[] {"modules.builtin", "modules.builtin.modinfo", "modules.order"}) {
            Files.copy(corpus.resolve(f), tree.resolve(f));
        }
    }

    private static void write(Path p, byte[] data) throws IOException {
        Files.createDirectories(p.getParent());
        Files.write(p, data);
    }

    /** The module without its signature trailer: what the kernel loads as unsigned (taint E, unless enforcing). */
    static byte[] unsigned(byte[] signed) {
        ModuleSignature sig = ModuleSignature.find("module", signed);
        return sig == null ? signed : Arrays.copyOf(signed, sig.elfLength());
    }

    /** The module with the {@code __versions} CRC of {@code symbol} changed in its low bit (x86_64 layout: 8 + 56). */
    static byte[] withCrcChanged(byte[] module, String symbol) {
        ObjectFile obj = ObjectFile.parse("module", module);
        Section versions = obj.anySection("__versions");
        ByteBuffer b = ByteBuffer.wrap(module).order(ByteOrder.LITTLE_ENDIAN);
        for (long at = versions.offset(); at < versions.offset() + versions.size(); at += 64) {
            int start = (int) at + 8;
            int end = start;
            while (module[end] != 0) {
                end++;
            }
            if (new String(module, start, end - start, StandardCharsets.US_ASCII).equals(symbol)) {
                byte[] out = module.clone();
                ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong((int) at, b.getLong((int) at) ^ 1);
                return out;
            }
        }
        throw new IllegalArgumentException("no __versions entry for " + symbol);
    }

    /** The module with one string replaced by another of the same length. */
    static byte[] replaced(byte[] module, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.US_ASCII);
        byte[] t = to.getBytes(StandardCharsets.US_ASCII);
        if (f.length != t.length) {
            throw new IllegalArgumentException("replacement must keep the length");
        }
        for (int i = 0; i + f.length <= module.length; i++) {
            if (Arrays.equals(module, i, i + f.length, f, 0, f.length)) {
                byte[] out = module.clone();
                System.arraycopy(t, 0, out, i, t.length);
                return out;
            }
        }
        throw new IllegalArgumentException("'" + from + "' not found in the module");
    }

    private interface Compressor {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    private static byte[] compress(byte[] data, Compressor c) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = c.wrap(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        return compress(data, GZIPOutputStream::new);
    }

    private static byte[] xz(byte[] data) throws IOException {
        return compress(data, out -> new XZOutputStream(out, new LZMA2Options()));
    }

    private static byte[] zstd(byte[] data) throws IOException {
        return compress(data, ZstdOutputStream::new);
    }
}
