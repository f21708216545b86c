package modkit.command;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import modkit.elf.ModkitException;

/**
 * An exclusive {@code flock(2)} on a file, as modutils' insmod -L took on the module file: flock, not the fcntl
 * record locks of {@link java.nio.channels.FileLock}, so that it excludes other insmods and the {@code flock(1)}
 * command, and so that two opens in one process exclude each other too (flock belongs to the open file).
 */
public final class Flock implements AutoCloseable {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 02000000;
    private static final int LOCK_EX = 2;
    private static final int EINTR = 4;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().find("open").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle FLOCK = LINKER.downcallHandle(LINKER.defaultLookup().find("flock").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.captureCallState("errno"));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final int fd;

    private Flock(int fd) {
        this.fd = fd;
    }

    /** Waits for and takes an exclusive flock on {@code file}; closing releases it. */
    public static Flock exclusive(Path file) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(file.toString()), O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                throw new ModkitException(file + ": cannot open to lock it (errno " + (int) ERRNO.get(state, 0L) + ")");
            }
            while (true) {
                int rc = (int) FLOCK.invokeExact(state, fd, LOCK_EX);
                if (rc == 0) {
                    return new Flock(fd);
                }
                int errno = (int) ERRNO.get(state, 0L);
                if (errno != EINTR) {
                    int ignored = (int) CLOSE.invokeExact(fd);
                    throw new ModkitException(file + ": cannot lock (flock errno " + errno + ")");
                }
            }
        } catch (ModkitException e) {
            throw e;
        } catch (Throwable t) {
            throw new ModkitException(file + ": cannot lock: " + t);
        }
    }

    @Override
    public void close() {
        try {
            int ignored = (int) CLOSE.invokeExact(fd); // closing the last descriptor drops the flock
        } catch (Throwable t) {
            // the process's exit drops it too
        }
    }
}
