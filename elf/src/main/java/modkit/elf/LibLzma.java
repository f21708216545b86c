package modkit.elf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The system's liblzma ({@code liblzma.so.5}, the library kmod and xz use) through the JDK's foreign function API,
 * for its one-call decoder {@code lzma_stream_buffer_decode} (into Java arrays) and its streaming decoder
 * ({@link #stream}: native memory, a window at a time). It decodes a module about twice as fast as the pure Java
 * decoder, which made depmod over a tree of {@code .ko.xz} twice kmod's CPU time.
 *
 * <p>Optional: where the library is missing (or the JVM forbids native access) {@link #available()} is false and
 * callers use the Java decoder, which gives the same bytes.
 */
final class LibLzma {
    private static final int LZMA_OK = 0;
    private static final int LZMA_STREAM_END = 1;
    private static final int LZMA_FINISH = 3;

    private static final MethodHandle DECODE = bind();
    private static final MethodHandle STREAM_DECODER = find("lzma_stream_decoder",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CODE = find("lzma_code", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle END = find("lzma_end", FunctionDescriptor.ofVoid(ADDRESS));

    /**
     * struct lzma_stream (LP64): next_in, avail_in, total_in, next_out, avail_out, total_out, then the allocator,
     * the decoder's state and reserved fields, 136 bytes in all; zeroed is LZMA_STREAM_INIT.
     */
    private static final long STREAM_SIZE = 136, NEXT_IN = 0, AVAIL_IN = 8, NEXT_OUT = 24, AVAIL_OUT = 32,
            TOTAL_OUT = 40;

    /**
     * Each thread's decoder, kept from file to file until {@link #endAll}: set up again on the same
     * {@code lzma_stream}, liblzma reuses its state and dictionary (1 MiB for a module) instead of allocating and
     * freeing them per file, which left malloc's per-thread arenas holding several MB each at depmod's peak.
     */
    private static final ThreadLocal<MemorySegment> STREAMS = new ThreadLocal<>() {
        @Override
        protected MemorySegment initialValue() {
            MemorySegment strm = Arena.global().allocate(STREAM_SIZE, 8); // zeroed: LZMA_STREAM_INIT
            ALL_STREAMS.add(strm);
            return strm;
        }
    };
    private static final Queue<MemorySegment> ALL_STREAMS = new ConcurrentLinkedQueue<>();

    private LibLzma() {}

    // lzma_ret lzma_stream_buffer_decode(uint64_t *memlimit, uint32_t flags, const lzma_allocator *allocator,
    //     const uint8_t *in, size_t *in_pos, size_t in_size, uint8_t *out, size_t *out_pos, size_t out_size)
    // critical: the input and output may be Java arrays, passed without a copy. A call decodes one module, a few
    // milliseconds during which this thread holds off the garbage collector.
    private static MethodHandle bind() {
        return find("lzma_stream_buffer_decode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS,
                ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG), Linker.Option.critical(true));
    }

    /** liblzma's function {@code name}; null if the library or the function is missing, or native access is off. */
    private static MethodHandle find(String name, FunctionDescriptor d, Linker.Option... options) {
        try {
            SymbolLookup lib = SymbolLookup.libraryLookup("liblzma.so.5", Arena.global());
            MemorySegment fn = lib.find(name).orElse(null);
            return fn == null ? null : Linker.nativeLinker().downcallHandle(fn, d, options);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    static boolean available() {
        return DECODE != null;
    }

    /** Whether {@link #stream} can run: liblzma's streaming decoder, on a 64-bit host (the struct's layout). */
    static boolean streamingAvailable() {
        return STREAM_DECODER != null && CODE != null && ADDRESS.byteSize() == 8;
    }

    /** Receives a stream's decoded bytes in order, a window at a time. */
    interface Chunks {
        /**
         * {@code window[0, length)} holds the decoded bytes {@code [imageOffset, imageOffset + length)}; false to
         * stop decoding there.
         */
        boolean chunk(long imageOffset, MemorySegment window, int length);
    }

    /** For a window that is the whole image: nothing to copy. */
    static final Chunks WHOLE = new Chunks() {
        @Override
        public boolean chunk(long imageOffset, MemorySegment window, int length) {
            return true;
        }
    };

    /**
     * Decodes the .xz stream {@code in} (native memory) through {@code window}, handing each filled window to
     * {@code out}: a large image is read without ever being whole in memory, a small one is decoded into a window
     * of its size ({@link #WHOLE}). True if it decoded, its checks held, nothing followed the stream and it gave
     * exactly {@code size} bytes, or if {@code out} stopped it before the end with no error so far.
     */
    static boolean stream(MemorySegment in, long size, MemorySegment window, Chunks out) {
        try {
            MemorySegment strm = STREAMS.get();
            if ((int) STREAM_DECODER.invokeExact(strm, -1L, 0) != LZMA_OK) { // UINT64_MAX: no memory limit
                return false;
            }
            strm.set(JAVA_LONG, NEXT_IN, in.address());
            strm.set(JAVA_LONG, AVAIL_IN, in.byteSize());
            long done = 0;
            while (true) {
                strm.set(JAVA_LONG, NEXT_OUT, window.address());
                strm.set(JAVA_LONG, AVAIL_OUT, window.byteSize());
                int ret = (int) CODE.invokeExact(strm, LZMA_FINISH);
                long total = strm.get(JAVA_LONG, TOTAL_OUT);
                if (total > size || (ret != LZMA_OK && ret != LZMA_STREAM_END)) {
                    return false;
                }
                if (total > done) {
                    boolean more = out.chunk(done, window, (int) (total - done));
                    done = total;
                    if (!more) {
                        return true;
                    }
                }
                if (ret == LZMA_STREAM_END) {
                    return done == size && strm.get(JAVA_LONG, AVAIL_IN) == 0;
                }
            }
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * Frees every thread's decoder state and dictionary ({@code lzma_end}); the {@code lzma_stream} is left as
     * LZMA_STREAM_INIT, so its thread can decode again. Only while no thread is decoding.
     */
    static void endAll() {
        if (END == null) {
            return;
        }
        for (MemorySegment strm : ALL_STREAMS) {
            try {
                END.invokeExact(strm);
            } catch (Throwable t) {
                throw new IllegalStateException("lzma_end failed", t);
            }
            strm.fill((byte) 0);
        }
    }

    /**
     * Decodes the whole .xz stream {@code in} into exactly {@code out}: true if it decoded, its checks held and the
     * output filled {@code out} to the byte. Either segment may be heap or native memory.
     */
    static boolean decode(MemorySegment in, MemorySegment out) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memlimit = arena.allocateFrom(JAVA_LONG, -1L); // UINT64_MAX: no limit
            MemorySegment inPos = arena.allocateFrom(JAVA_LONG, 0L);
            MemorySegment outPos = arena.allocateFrom(JAVA_LONG, 0L);
            int ret = (int) DECODE.invokeExact(memlimit, 0, MemorySegment.NULL, in, inPos, in.byteSize(), out, outPos,
                    out.byteSize());
            return ret == LZMA_OK && inPos.get(JAVA_LONG, 0) == in.byteSize() && outPos.get(JAVA_LONG, 0) == out.byteSize();
        } catch (Throwable t) {
            return false;
        }
    }
}
