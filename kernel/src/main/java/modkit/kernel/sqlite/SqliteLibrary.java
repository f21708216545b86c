package modkit.kernel.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;
import modkit.elf.ModkitException;

/**
 * The system's SQLite library ({@code libsqlite3.so.0}) through the JDK's foreign function API: the dozen C calls
 * the state database needs. The JDBC driver this replaces unpacked its own copy of SQLite into /tmp and checked
 * it on every start, and loaded java.sql with it: a third of each short command's run time. The C API is the one
 * SQLite keeps stable across versions, and the file format is the same, so states written before still open.
 */
final class SqliteLibrary {
    /** Where Debian and most distributions keep it; the first that loads wins. */
    private static final List<String> NAMES = List.of("libsqlite3.so.0", "libsqlite3.so");

    private static volatile SqliteLibrary instance;

    // The C signatures, few on purpose: the JDK makes one native stub per distinct signature (about 5 ms each at
    // start-up, the first 30-50 ms), and shares it between the functions that have it. So pointers that come back as
    // values to read (column text and blobs) are taken as 64-bit integers, like column_int64.
    private static final FunctionDescriptor P_I = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    private static final FunctionDescriptor PI_I = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
    private static final FunctionDescriptor PI_L = FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT);

    final Function openV2 = new Function("sqlite3_open_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
    final Function closeV2 = new Function("sqlite3_close_v2", P_I);
    final Function errmsg = new Function("sqlite3_errmsg", FunctionDescriptor.of(ADDRESS, ADDRESS));
    final Function errstr = new Function("sqlite3_errstr", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    final Function busyTimeout = new Function("sqlite3_busy_timeout", PI_I);
    final Function prepareV2 = new Function("sqlite3_prepare_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
    final Function step = new Function("sqlite3_step", P_I);
    final Function finalizeStmt = new Function("sqlite3_finalize", P_I);
    final Function changes = new Function("sqlite3_changes", P_I);
    final Function bindInt64 = new Function("sqlite3_bind_int64", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    // The last argument is the destructor: SQLITE_TRANSIENT (-1) makes SQLite copy the bytes before returning.
    final Function bindText = new Function("sqlite3_bind_text", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    final Function bindBlob = new Function("sqlite3_bind_blob", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    final Function bindNull = new Function("sqlite3_bind_null", PI_I);
    final Function columnType = new Function("sqlite3_column_type", PI_I);
    final Function columnBytes = new Function("sqlite3_column_bytes", PI_I);
    final Function columnInt64 = new Function("sqlite3_column_int64", PI_L);
    final Function columnText = new Function("sqlite3_column_text", PI_L);
    final Function columnBlob = new Function("sqlite3_column_blob", PI_L);

    private final SymbolLookup lib;

    private SqliteLibrary(SymbolLookup lib) {
        this.lib = lib;
    }

    /** One C function, bound on first call: a short command uses about half of them. */
    final class Function {
        private final String name;
        private final FunctionDescriptor descriptor;
        private volatile MethodHandle handle;

        Function(String name, FunctionDescriptor descriptor) {
            this.name = name;
            this.descriptor = descriptor;
        }

        MethodHandle h() {
            MethodHandle h = handle;
            if (h == null) {
                MemorySegment fn = lib.find(name).orElseThrow(() -> new ModkitException(
                        "the system's SQLite library has no " + name, "install a current libsqlite3 (Debian: libsqlite3-0)"));
                h = handle = Linker.nativeLinker().downcallHandle(fn, descriptor);
            }
            return h;
        }
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
