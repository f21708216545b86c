package modkit.elf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Memory outside the Java heap, taken from the kernel with {@code mmap} and given back with {@code munmap} as soon as
 * it is closed. depmod decompresses each {@code .ko.xz} into such a block and copies out only the sections it reads:
 * a decompressed image is up to 28 MB (amdgpu), and as a Java array each large one was garbage in the old
 * generation, whose pages then counted in the peak memory until a full collection. malloc would keep freed blocks
 * of that size for reuse, so the kernel is asked directly.
 *
 * <p>Where {@code mmap} cannot be called (another OS, native access refused), a confined arena's memory is used.
 */
final class NativePages implements AutoCloseable {
    private static final int PROT_READ = 1, PROT_WRITE = 2, MAP_PRIVATE = 2;
    /** Linux's value on x86 and arm; other architectures (mips, parisc, alpha) number it differently. */
    private static final int MAP_ANONYMOUS = 0x20;

    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;

    static {
        MethodHandle map = null, unmap = null;
        String arch = System.getProperty("os.arch");
        if (System.getProperty("os.name").equals("Linux") && (arch.equals("amd64") || arch.equals("aarch64"))) {
            try {
                Linker linker = Linker.nativeLinker();
                // void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
                map = linker.downcallHandle(linker.defaultLookup().find("mmap").orElseThrow(),
                        FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
                // int munmap(void *addr, size_t length)
                unmap = linker.downcallHandle(linker.defaultLookup().find("munmap").orElseThrow(),
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
            } catch (RuntimeException | LinkageError e) { // native access not enabled: use an arena
                map = null;
                unmap = null;
            }
        }
        MMAP = map;
        MUNMAP = unmap;
    }

    private final MemorySegment segment;
    private final Arena arena; // only where mmap is not used
    private final boolean borrowed; // a slice of this thread's spare block: close leaves it mapped

    private NativePages(MemorySegment segment, Arena arena) {
        this(segment, arena, false);
    }

    private NativePages(MemorySegment segment, Arena arena, boolean borrowed) {
        this.segment = segment;
        this.arena = arena;
        this.borrowed = borrowed;
    }

    /** Blocks up to this size are taken from the thread's spare blocks ({@link #reusable}). */
    private static final long SPARE_SIZE = 512 << 10;

    /** The spare blocks: one for a compressed file, one for its image. */
    static final int INPUT = 0, IMAGE = 1;

    private static final ThreadLocal<NativePages[]> SPARES = new ThreadLocal<>();
    /** Every thread's spare blocks, for {@link #releaseSpares}. */
    private static final Queue<NativePages[]> ALL_SPARES = new ConcurrentLinkedQueue<>();

    /**
     * Like {@link #allocate}, but a block of up to 512 KB is this thread's spare block of that use, the same one each
     * time, not zeroed: each page of a new mapping is a page fault, and on a tree of 4,000 small .ko.xz those were a
     * fifth of depmod's time. (Most modules decode to less; the few larger ones get their own mapping.)
     */
    static NativePages reusable(long size, int use) {
        if (size > SPARE_SIZE || MMAP == null) {
            return allocate(size);
        }
        NativePages[] spares = SPARES.get();
        if (spares == null) {
            spares = new NativePages[2];
            SPARES.set(spares);
            ALL_SPARES.add(spares);
        }
        if (spares[use] == null) {
            spares[use] = allocate(SPARE_SIZE);
            if (spares[use] == null) {
                return null;
            }
        }
        return new NativePages(spares[use].segment.asSlice(0, size), null, true);
    }

    /**
     * Unmaps every thread's spare blocks (a thread that needs one again maps a new one). Only while no thread is
     * using its blocks: depmod calls it when its scan is over, since the blocks would otherwise count in its peak
     * memory, which comes at the end, when the files are written.
     */
    static void releaseSpares() {
        for (NativePages[] spares : ALL_SPARES) {
            for (int use = 0; use < spares.length; use++) {
                if (spares[use] != null) {
                    spares[use].unmap();
                    spares[use] = null;
                }
            }
        }
    }

    /**
     * {@code data} where liblzma can keep its address: itself if it is native memory already (closing it then does
     * nothing), else a copy in this thread's spare input block or a mapping of its own; null if none can be had.
     */
    static NativePages outOfHeap(MemorySegment data) {
        if (data.isNative()) {
            return new NativePages(data, null, true);
        }
        NativePages copy = reusable(data.byteSize(), INPUT);
        if (copy != null) {
            MemorySegment.copy(data, 0, copy.segment, 0, data.byteSize());
        }
        return copy;
    }

    /** A block of {@code size} bytes, zero until written; null if the system refuses one that large. */
    static NativePages allocate(long size) {
        if (MMAP != null && size > 0) {
            MemorySegment at;
            try {
                at = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
            } catch (Throwable t) {
                return null;
            }
            if (at.address() == -1L) { // MAP_FAILED
                return null;
            }
            return new NativePages(at.reinterpret(size), null);
        }
        Arena a = Arena.ofConfined();
        try {
            return new NativePages(a.allocate(Math.max(1, size)).asSlice(0, size), a);
        } catch (OutOfMemoryError | IllegalArgumentException e) {
            a.close();
            return null;
        }
    }

    MemorySegment segment() {
        return segment;
    }

    @Override
    public void close() {
        if (borrowed) {
            return;
        }
        if (arena != null) {
            arena.close();
            return;
        }
        unmap();
    }

    private void unmap() {
        try {
            int ignored = (int) MUNMAP.invokeExact(segment, segment.byteSize());
        } catch (Throwable t) {
            throw new IllegalStateException("munmap failed", t);
        }
    }
}
