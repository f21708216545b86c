package modkit.elf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A large .xz module read without its whole image in memory: each pass decodes the stream from its start through a
 * small window and keeps only the ranges asked for. amdgpu.ko is 28 MB decoded, and held whole it was a quarter of
 * depmod's peak memory on a tree of .ko.xz; depmod reads about 1 MB of it.
 *
 * <p>Decoding is the cost, so reads are arranged to take two passes. The first decodes the whole stream (so its
 * checks are verified) and keeps the image's first {@link #HEAD} and last {@link #TAIL} bytes: the ELF header, and
 * the section headers with the section name table just before them, where linkers put both. The second reads every
 * section the summary needs at once ({@link ImageSource#readAll}) and stops after the last. A range asked for
 * outside those is still read correctly, by another pass.
 */
final class XzStreamSource implements ImageSource, AutoCloseable {
    private static final int WINDOW = 256 << 10;
    static final int HEAD = 4 << 10;
    static final int TAIL = 128 << 10;

    private final NativePages input; // the compressed stream, in native memory: liblzma keeps its address
    private final NativePages window;
    private final long size;
    private final byte[] head; // the image's bytes [0, head.length)
    private final byte[] tail; // and [size - tail.length, size)

    private XzStreamSource(NativePages input, NativePages window, long size) {
        this.input = input;
        this.window = window;
        this.size = size;
        head = new byte[(int) Math.min(HEAD, size)];
        tail = new byte[(int) Math.min(TAIL, size)];
    }

    /**
     * A source for the .xz stream {@code raw} of {@code size} decoded bytes, after its first pass; null if one cannot
     * be set up here.
     *
     * @throws Damaged if the stream does not decode
     */
    static XzStreamSource open(MemorySegment compressed, long size) {
        if (!LibLzma.streamingAvailable()) {
            return null;
        }
        NativePages in = NativePages.outOfHeap(compressed);
        NativePages window = in == null ? null : NativePages.allocate(WINDOW);
        if (window == null) {
            if (in != null) {
                in.close();
            }
            return null;
        }
        XzStreamSource s = new XzStreamSource(in, window, size);
        Copier firstPass = new Copier(new long[] {0, size - s.tail.length}, new int[] {s.head.length, s.tail.length},
                new byte[][] {s.head, s.tail}, new int[] {0, 0}, false);
        if (!LibLzma.stream(in.segment(), size, window.segment(), firstPass)) {
            s.close();
            throw new Damaged();
        }
        return s;
    }

    @Override
    public void read(long offset, byte[] into, int at, int length) {
        readAll(new long[] {offset}, new int[] {length}, into, new int[] {at});
    }

    @Override
    public void readAll(long[] offsets, int[] lengths, byte[] into, int[] ats) {
        boolean kept = true;
        for (int i = 0; i < offsets.length; i++) {
            kept &= copyKept(offsets[i], lengths[i], into, ats[i]);
        }
        if (!kept) {
            byte[][] targets = new byte[offsets.length][];
            Arrays.fill(targets, into);
            if (!LibLzma.stream(input.segment(), size, window.segment(),
                    new Copier(offsets, lengths, targets, ats, true))) {
                throw new Damaged(); // it decoded in the first pass: memory ran out, say
            }
        }
    }

    /** Copies the range from the bytes the first pass kept, if it lies in them. */
    private boolean copyKept(long offset, int length, byte[] into, int at) {
        if (offset + length <= head.length) {
            System.arraycopy(head, (int) offset, into, at, length);
            return true;
        }
        long tailStart = size - tail.length;
        if (offset >= tailStart && offset + length <= size) {
            System.arraycopy(tail, (int) (offset - tailStart), into, at, length);
            return true;
        }
        return false;
    }

    /** The stream did not decode: the caller reads the file the general way, whose error says what is wrong. */
    static final class Damaged extends RuntimeException {
        Damaged() {
            super(null, null, false, false);
        }
    }

    /**
     * Copies the parts of each window that fall in the ranges asked for; with {@code stopAfter}, stops the pass after
     * the last range. (A record, not a lambda: a lambda first met at run time, outside depmod's AOT training, spins a
     * class.)
     */
    private record Copier(long[] offsets, int[] lengths, byte[][] into, int[] ats, boolean stopAfter)
            implements LibLzma.Chunks {
        @Override
        public boolean chunk(long imageOffset, MemorySegment w, int n) {
            long last = 0;
            for (int i = 0; i < offsets.length; i++) {
                long from = Math.max(offsets[i], imageOffset);
                long to = Math.min(offsets[i] + lengths[i], imageOffset + n);
                if (from < to) {
                    MemorySegment.copy(w, ValueLayout.JAVA_BYTE, from - imageOffset, into[i],
                            ats[i] + (int) (from - offsets[i]), (int) (to - from));
                }
                last = Math.max(last, offsets[i] + lengths[i]);
            }
            return !stopAfter || imageOffset + n < last;
        }
    }

    @Override
    public void close() {
        window.close();
        input.close();
    }
}
