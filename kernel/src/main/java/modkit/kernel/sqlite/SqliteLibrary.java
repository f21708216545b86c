package modkit.kernel.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Set;
import modkit.elf.ModkitException;

/**
 * The system's SQLite library ({@code libsqlite3.so.0}) through the JDK's foreign function API: the dozen C calls
 * the state database needs. The JDBC driver this replaces unpacked its own copy of SQLite into /tmp and checked
 * it on every start, and loaded java.sql with it: a third of each short command's run time. The C API is the one
 * SQLite keeps stable across versions, and the file format is the same, so states written before still open.
 *
 * <p>Every function is called through one downcall handle, {@code int64 f(int64 x 5)}, with pointers and ints
 * passed as 64-bit words and the result narrowed by the caller. The JDK spins a native stub and a dozen method
 * handle classes for each distinct C signature it links, 10-12 ms each at start-up; lsmod needed five of them
 * (half of its time in the simulated kernel) and insmod seven. One handle is one stub. This is sound where C
 * passes the first five integer and pointer arguments in 64-bit registers, the callee reads an int argument
 * from the low half and ignores registers it has no parameter for, and an int result's upper half is simply
 * dropped: the LP64 ABIs the JDK runs on (x86-64 System V, AArch64, RISC-V, POWER, z/Architecture). Elsewhere
 * {@link #get} refuses with a clear message instead of calling wrongly.
 */
final class SqliteLibrary {
    /** Where Debian and most distributions keep it; the first that loads wins. */
    private static final List<String> NAMES = List.of("libsqlite3.so.0", "libsqlite3.so");

    /** The platforms whose C calling convention makes the one-signature call above exact (os.arch names). */
    private static final Set<String> WORD_ABIS = Set.of("amd64", "x86_64", "aarch64", "riscv64", "ppc64le", "ppc64", "s390x");

    /** The one C signature: the result and five arguments, each a 64-bit integer register. */
    private static final FunctionDescriptor WORDS =
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);

    private static volatile SqliteLibrary instance;

    final Function openV2 = new Function("sqlite3_open_v2");
    final Function closeV2 = new Function("sqlite3_close_v2");
    final Function errmsg = new Function("sqlite3_errmsg");
    final Function errstr = new Function("sqlite3_errstr");
    final Function busyTimeout = new Function("sqlite3_busy_timeout");
    final Function prepareV2 = new Function("sqlite3_prepare_v2");
    final Function step = new Function("sqlite3_step");
    final Function finalizeStmt = new Function("sqlite3_finalize");
    final Function changes = new Function("sqlite3_changes");
    final Function bindInt64 = new Function("sqlite3_bind_int64");
    // The last argument is the destructor: SQLITE_TRANSIENT (-1) makes SQLite copy the bytes before returning.
    final Function bindText = new Function("sqlite3_bind_text");
    final Function bindBlob = new Function("sqlite3_bind_blob");
    final Function bindNull = new Function("sqlite3_bind_null");
    final Function columnType = new Function("sqlite3_column_type");
    final Function columnBytes = new Function("sqlite3_column_bytes");
    final Function columnInt64 = new Function("sqlite3_column_int64");
    final Function columnText = new Function("sqlite3_column_text");
    final Function columnBlob = new Function("sqlite3_column_blob");

    private final SymbolLookup lib;
    private final MethodHandle words;

    private SqliteLibrary(SymbolLookup lib) {
        this.lib = lib;
        // No target address: the function to call is the handle's first argument.
        this.words = Linker.nativeLinker().downcallHandle(WORDS);
    }

    /** One C function, looked up on first call: a short command uses about half of them. */
    final class Function {
        private final String name;
        private volatile MemorySegment address;

        Function(String name) {
            this.name = name;
        }

        MemorySegment address() {
            MemorySegment a = address;
            if (a == null) {
                a = address = lib.find(name).orElseThrow(() -> new ModkitException(
                        "the system's SQLite library has no " + name, "install a current libsqlite3 (Debian: libsqlite3-0)"));
            }
            return a;
        }
    }

    /** Calls {@code f} with up to five arguments (pointers as their addresses, ints widened); unused ones are 0. */
    long call(Function f, long a, long b, long c, long d, long e) {
        try {
            return (long) words.invokeExact(f.address(), a, b, c, d, e);
        } catch (RuntimeException | Error x) {
            throw x;
        } catch (Throwable t) {
            throw new AssertionError("native call failed: " + f.name, t);
        }
    }

    long call(Function f, long a) {
        return call(f, a, 0, 0, 0, 0);
    }

    long call(Function f, long a, long b) {
        return call(f, a, b, 0, 0, 0);
    }

    /** A call whose C result is an {@code int}: the low half of the result register. */
    int callInt(Function f, long a) {
        return (int) call(f, a, 0, 0, 0, 0);
    }

    int callInt(Function f, long a, long b) {
        return (int) call(f, a, b, 0, 0, 0);
    }

    int callInt(Function f, long a, long b, long c) {
        return (int) call(f, a, b, c, 0, 0);
    }

    int callInt(Function f, long a, long b, long c, long d) {
        return (int) call(f, a, b, c, d, 0);
    }

    int callInt(Function f, long a, long b, long c, long d, long e) {
        return (int) call(f, a, b, c, d, e);
    }

    static SqliteLibrary get() {
        SqliteLibrary lib = instance;
        if (lib == null) {
            synchronized (SqliteLibrary.class) {
                lib = instance;
                if (lib == null) {
                    lib = instance = new SqliteLibrary(load());
                }
            }
        }
        return lib;
    }

    private static SymbolLookup load() {
        String arch = System.getProperty("os.arch");
        if (ADDRESS.byteSize() != 8 || !WORD_ABIS.contains(arch)) {
            throw new ModkitException("the simulated kernel's state (SQLite) is not supported on this platform (" + arch
                    + "): modkit calls SQLite the way the 64-bit ABIs of x86-64, AArch64, RISC-V, POWER and s390x pass arguments",
                    "run modkit on one of those, or use --backend linux");
        }
        IllegalArgumentException last = null;
        for (String name : NAMES) {
            try {
                return SymbolLookup.libraryLookup(name, Arena.global());
            } catch (IllegalArgumentException e) {
                last = e;
            }
        }
        throw new ModkitException("cannot load the system's SQLite library (" + String.join(", ", NAMES) + "): "
                + (last == null ? "not found" : last.getMessage()),
                "install it: apt-get install libsqlite3-0 (Debian, Ubuntu), dnf install sqlite-libs (Fedora)");
    }
}
