package modkit.kernel;

import java.util.List;
import java.util.Locale;

/** The errno values a module's init or the loader returns, with glibc's words for them (what kmod prints). */
public record Errno(String name, int number, String text) {
    private static final List<Errno> ALL = List.of(
            new Errno("EPERM", 1, "Operation not permitted"),
            new Errno("ENOENT", 2, "No such file or directory"),
            new Errno("ESRCH", 3, "No such process"),
            new Errno("EINTR", 4, "Interrupted system call"),
            new Errno("EIO", 5, "Input/output error"),
            new Errno("ENXIO", 6, "No such device or address"),
            new Errno("E2BIG", 7, "Argument list too long"),
            new Errno("ENOEXEC", 8, "Exec format error"),
            new Errno("EBADF", 9, "Bad file descriptor"),
            new Errno("EAGAIN", 11, "Resource temporarily unavailable"),
            new Errno("ENOMEM", 12, "Cannot allocate memory"),
            new Errno("EACCES", 13, "Permission denied"),
            new Errno("EFAULT", 14, "Bad address"),
            new Errno("EBUSY", 16, "Device or resource busy"),
            new Errno("EEXIST", 17, "File exists"),
            new Errno("ENODEV", 19, "No such device"),
            new Errno("EINVAL", 22, "Invalid argument"),
            new Errno("ETXTBSY", 26, "Text file busy"),
            new Errno("EFBIG", 27, "File too large"),
            new Errno("ENOSPC", 28, "No space left on device"),
            new Errno("EROFS", 30, "Read-only file system"),
            new Errno("ERANGE", 34, "Numerical result out of range"),
            new Errno("ENOSYS", 38, "Function not implemented"),
            new Errno("ENAMETOOLONG", 36, "File name too long"),
            new Errno("ENODATA", 61, "No data available"),
            new Errno("ETIME", 62, "Timer expired"),
            new Errno("ENOPKG", 65, "Package not installed"),
            new Errno("EPROTO", 71, "Protocol error"),
            new Errno("EBADMSG", 74, "Bad message"),
            new Errno("EOPNOTSUPP", 95, "Operation not supported"),
            new Errno("ETIMEDOUT", 110, "Connection timed out"),
            new Errno("ENOKEY", 126, "Required key not available"),
            new Errno("EKEYEXPIRED", 127, "Key has expired"),
            new Errno("EKEYREVOKED", 128, "Key has been revoked"),
            new Errno("EKEYREJECTED", 129, "Key was rejected by service"),
            new Errno("EPROBE_DEFER", 517, "Unknown error 517"));

    /** "ENODEV", "enodev", "19" or "-19"; null if unknown. EWOULDBLOCK is EAGAIN. */
    public static Errno parse(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        if (t.equals("EWOULDBLOCK")) {
            t = "EAGAIN";
        }
        for (Errno e : ALL) {
            if (e.name.equals(t) || t.replaceFirst("^-", "").equals(Integer.toString(e.number))) {
                return e;
            }
        }
        return null;
    }

    /** The errno of that number (Linux's generic numbering, which x86 uses), or one named "errno N". */
    public static Errno byNumber(int number) {
        for (Errno e : ALL) {
            if (e.number == number) {
                return e;
            }
        }
        return new Errno("errno " + number, number, "Unknown error " + number);
    }

    public static Errno byName(String name) {
        Errno e = parse(name);
        return e != null ? e : new Errno(name, 0, name);
    }

    public static List<Errno> all() {
        return ALL;
    }
}
