package modkit.kernel.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import modkit.elf.ModkitException;

/**
 * The module system calls through the JDK's foreign function API (no JNI, no native library of modkit's own):
 * libc's {@code syscall} with the architecture's numbers, since glibc has no wrapper for {@code finit_module};
 * {@code open}, {@code memfd_create}, {@code read}, {@code write}, {@code lseek} and {@code close} for the file
 * descriptors around them. errno is captured right after each call.
 */
final class LinuxSyscalls implements ModuleSyscalls {
    private static final int O_RDONLY = 0;
    private static final int O_NONBLOCK = 04000;
    private static final int O_TRUNC = 01000;
    private static final int O_CLOEXEC = 02000000;
    private static final int MFD_CLOEXEC = 1;
    private static final int SEEK_END = 2;
    private static final int EINTR = 4;
    private static final int EPIPE = 32;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** init_module, delete_module, finit_module. */
    private final long[] numbers;
    private final MethodHandle syscall;
    private final MethodHandle open;
    private final MethodHandle memfdCreate;
    private final MethodHandle read;
    private final MethodHandle write;
    private final MethodHandle lseek;
    private final MethodHandle close;

    private LinuxSyscalls(long[] numbers) {
        this.numbers = numbers;
        Linker.Option errno = Linker.Option.captureCallState("errno");
        // long syscall(long number, ...): every argument passed as a long, which is what the kernel reads.
        syscall = handle("syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                Linker.Option.firstVariadicArg(1), errno);
        // int open(const char *path, int flags, ...): no mode, since nothing is created.
        open = handle("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2), errno);
        memfdCreate = handle("memfd_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), errno);
        read = handle("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), errno);
        write = handle("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), errno);
        lseek = handle("lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), errno);
        close = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    /** The system calls of the architecture this JVM runs on. */
    static LinuxSyscalls forThisMachine() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        long[] n = switch (arch) {
            case "amd64", "x86_64" -> new long[] {175, 176, 313};
            case "x86", "i386", "i486", "i586", "i686" -> new long[] {128, 129, 350};
            case "aarch64", "riscv64", "loongarch64" -> new long[] {105, 106, 273};
            case "ppc64", "ppc64le" -> new long[] {128, 129, 353};
            case "s390x" -> new long[] {128, 129, 344};
            default -> throw new ModkitException("the Linux backend does not know the module system calls of '" + arch + "'",
                    "it knows x86_64, i386, aarch64, riscv64, loongarch64, ppc64 and s390x");
        };
        if (!System.getProperty("os.name", "").equals("Linux")) {
            throw new ModkitException("the Linux backend needs Linux; this is " + System.getProperty("os.name"));
        }
        return new LinuxSyscalls(n);
    }

    private static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment fn = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new ModkitException("the C library has no " + name + "()"));
        return LINKER.downcallHandle(fn, fd, options);
    }

    @Override
    public int finitModule(Path path, String params, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            int fd = (int) open.invokeExact(state, a.allocateFrom(path.toString()), O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                return -errno(state);
            }
            try {
                return finit(a, state, fd, params, flags);
            } finally {
                int ignored = (int) close.invokeExact(fd);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int finitModule(byte[] image, String params, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            int fd = (int) memfdCreate.invokeExact(state, a.allocateFrom("modkit-module"), MFD_CLOEXEC);
            if (fd < 0) {
                return -errno(state);
            }
            try {
                MemorySegment bytes = a.allocate(image.length);
                MemorySegment.copy(MemorySegment.ofArray(image), 0, bytes, 0, image.length);
                for (long done = 0; done < image.length; ) {
                    long n = (long) write.invokeExact(state, fd, bytes.asSlice(done), (long) image.length - done);
                    if (n < 0) {
                        int e = errno(state);
                        if (e == EINTR) {
                            continue;
                        }
                        return -e;
                    }
                    done += n;
                }
                return finit(a, state, fd, params, flags);
            } finally {
                int ignored = (int) close.invokeExact(fd);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private int finit(Arena a, MemorySegment state, int fd, String params, int flags) throws Throwable {
        long rc = (long) syscall.invokeExact(state, numbers[2], (long) fd, a.allocateFrom(params).address(), (long) flags);
        return rc < 0 ? -errno(state) : 0;
    }

    @Override
    public int initModule(byte[] image, String params) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            MemorySegment bytes = a.allocate(image.length);
            MemorySegment.copy(MemorySegment.ofArray(image), 0, bytes, 0, image.length);
            long rc = (long) syscall.invokeExact(state, numbers[0], bytes.address(), (long) image.length,
                    a.allocateFrom(params).address());
            return rc < 0 ? -errno(state) : 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int deleteModule(String name, boolean force) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            long rc = (long) syscall.invokeExact(state, numbers[1], a.allocateFrom(name).address(),
                    (long) (O_NONBLOCK | (force ? O_TRUNC : 0)), 0L);
            return rc < 0 ? -errno(state) : 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public KernelLog openLog() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            int fd = (int) open.invokeExact(state, a.allocateFrom("/dev/kmsg"), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
            if (fd < 0) {
                return KernelLog.NONE; // no CAP_SYSLOG with dmesg_restrict, or no /dev: refusals lose the kernel's line
            }
            long ignored = (long) lseek.invokeExact(state, fd, 0L, SEEK_END);
            return new Kmsg(fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** /dev/kmsg: one record per read, "PRIORITY,SEQUENCE,TIME,FLAGS;TEXT" and continuation lines. */
    private final class Kmsg implements KernelLog {
        private final int fd;

        Kmsg(int fd) {
            this.fd = fd;
        }

        @Override
        public List<String> newLines() {
            List<String> out = new ArrayList<>();
            try (Arena a = Arena.ofConfined()) {
                MemorySegment state = a.allocate(CALL_STATE);
                MemorySegment buf = a.allocate(8192);
                while (true) {
                    long n = (long) read.invokeExact(state, fd, buf, 8192L);
                    if (n < 0) {
                        int e = errno(state);
                        if (e == EPIPE || e == EINTR) {
                            continue; // records were overwritten before we read them: go on with the next
                        }
                        break; // EAGAIN: nothing more
                    }
                    if (n == 0) {
                        break;
                    }
                    String record = new String(buf.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
                    int semi = record.indexOf(';');
                    int end = record.indexOf('\n');
                    out.add(record.substring(semi + 1, end < 0 ? record.length() : end));
                }
            } catch (Throwable t) {
                throw rethrow(t);
            }
            return out;
        }

        @Override
        public void close() {
            try {
                int ignored = (int) LinuxSyscalls.this.close.invokeExact(fd);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
