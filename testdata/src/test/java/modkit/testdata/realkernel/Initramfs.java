package modkit.testdata.realkernel;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A cpio archive in the "newc" format the kernel unpacks as its initial root file system
 * (Documentation/driver-api/early-userspace/buffer-format.rst): for each entry a 110-byte ASCII header of
 * 8-digit hex fields, the NUL-terminated name and the data, each padded to 4 bytes; "TRAILER!!!" ends it.
 */
final class Initramfs {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int inode = 1;

    Initramfs directory(String name) {
        return entry(name, 040755, new byte[0]);
    }

    Initramfs file(String name, int mode, byte[] data) {
        return entry(name, 0100000 | mode, data);
    }

    byte[] finish() {
        entry("TRAILER!!!", 0, new byte[0]);
        return out.toByteArray();
    }

    private Initramfs entry(String name, int mode, byte[] data) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder("070701");
        long[] fields = {name.equals("TRAILER!!!") ? 0 : inode++, mode, 0, 0, (mode & 040000) != 0 ? 2 : 1, 0, data.length,
            0, 0, 0, 0, n.length, 0};
        for (long f : fields) {
            h.append(String.format("%08x", f));
        }
        out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(n);
        pad();
        out.writeBytes(data);
        pad();
        return this;
    }

    private void pad() {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }
}
