package modkit.testdata.realkernel;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Kernel memory through /proc/kcore, an ELF core file whose PT_LOAD segments map kernel virtual addresses (the
 * module area among them) to file offsets. Reading it needs root (CAP_SYS_RAWIO).
 */
final class Kcore implements AutoCloseable {
    private record Segment(long vaddr, long size, long offset) {}

    private final RandomAccessFile file;
    private final List<Segment> segments = new ArrayList<>();

    Kcore(Path path) throws IOException {
        file = new RandomAccessFile(path.toFile(), "r");
        byte[] h = new byte[64];
        file.readFully(h);
        ByteBuffer eh = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = eh.getLong(0x20);
        int phentsize = eh.getShort(0x36) & 0xffff;
        int phnum = eh.getShort(0x38) & 0xffff;
        byte[] ph = new byte[phentsize * phnum];
        file.seek(phoff);
        file.readFully(ph);
        ByteBuffer p = ByteBuffer.wrap(ph).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < phnum; i++) {
            int at = i * phentsize;
            if (p.getInt(at) == 1) { // PT_LOAD
                segments.add(new Segment(p.getLong(at + 0x10), p.getLong(at + 0x20), p.getLong(at + 0x08)));
            }
        }
    }

    /** {@code length} bytes of kernel memory at {@code address}. */
    byte[] read(long address, int length) throws IOException {
        for (Segment s : segments) {
            if (Long.compareUnsigned(address, s.vaddr()) >= 0 && Long.compareUnsigned(address + length, s.vaddr() + s.size()) <= 0) {
                byte[] out = new byte[length];
                file.seek(s.offset() + (address - s.vaddr()));
                file.readFully(out);
                return out;
            }
        }
        throw new IOException("0x" + Long.toHexString(address) + " is in no segment of /proc/kcore");
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
