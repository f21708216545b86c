package modkit.cli.server;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.Charset;

/**
 * The two process settings the JDK has no call for and the resident server must take from each client: the working
 * directory (chdir(2): relative paths the system opens follow it) and the umask (umask(2): the modes of the files a
 * command creates). Linked when the server starts, from the C library.
 */
final class Posix {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle CHDIR = function("chdir", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle UMASK = function("umask", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private Posix() {}

    private static MethodHandle function(String name, FunctionDescriptor type) {
        MemorySegment address = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("the C library has no " + name));
        return LINKER.downcallHandle(address, type);
    }

    /** Changes the process's working directory; false if the system refused (no such directory, say). */
    static boolean chdir(String dir, Charset charset) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) CHDIR.invokeExact(arena.allocateFrom(dir, charset)) == 0;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("chdir failed", t);
        }
    }

    /** Sets the umask; returns the one before. */
    static int umask(int mask) {
        try {
            return (int) UMASK.invokeExact(mask);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("umask failed", t);
        }
    }
}
