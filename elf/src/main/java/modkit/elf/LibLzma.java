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

/**
 * The system's liblzma ({@code liblzma.so.5}, the library kmod and xz use) through the JDK's foreign function API,
 * for its one-call decoder {@code lzma_stream_buffer_decode}. It decodes a module about twice as fast as the pure
 * Java decoder, which made depmod over a tree of {@code .ko.xz} twice kmod's CPU time.
 *
 * <p>Optional: where the library is missing (or the JVM forbids native access) {@link #available()} is false and
 * callers use the Java decoder, which gives the same bytes.
 */
final class LibLzma {
    private static final int LZMA_OK = 0;

    private static final MethodHandle DECODE = bind();

    private LibLzma() {}

    private static MethodHandle bind() {
        try {
            SymbolLookup lib = SymbolLookup.libraryLookup("liblzma.so.5", Arena.global());
            MemorySegment fn = lib.find("lzma_stream_buffer_decode").orElse(null);
            if (fn == null) {
                return null;
            }
            // lzma_ret lzma_stream_buffer_decode(uint64_t *memlimit, uint32_t flags, const lzma_allocator *allocator,
            //     const uint8_t *in, size_t *in_pos, size_t in_size, uint8_t *out, size_t *out_pos, size_t out_size)
            FunctionDescriptor d = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
                    JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);
            // critical: the input and output may be Java arrays, passed without a copy. A call decodes one module,
            // a few milliseconds during which this thread holds off the garbage collector.
            return Linker.nativeLinker().downcallHandle(fn, d, Linker.Option.critical(true));
        } catch (RuntimeException | LinkageError e) { // no library, or native access not enabled
            return null;
        }
    }

    static boolean available() {
        return DECODE != null;
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
