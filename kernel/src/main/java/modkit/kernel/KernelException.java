package modkit.kernel;

import modkit.elf.ModkitException;

/**
 * The kernel refused an operation. It carries the errno the real kernel would return (so commands can print
 * kmod's words for it) and, unlike the kernel, the reason in full.
 */
public class KernelException extends ModkitException {
    private final String errno;

    public KernelException(String errno, String message, String hint) {
        super(message, hint);
        this.errno = errno;
    }

    /** "EEXIST", "EBUSY", "ENOENT", "EWOULDBLOCK", "ENOEXEC", "ENOMEM", ... */
    public String errno() {
        return errno;
    }
}
