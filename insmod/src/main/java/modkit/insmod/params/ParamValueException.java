package modkit.insmod.params;

/** A value the kernel's setter refuses: EINVAL (invalid) or ENOSPC (too large), as {@code parse_args} reports. */
final class ParamValueException extends Exception {
    final String errno;

    ParamValueException(String errno, String why) {
        super(why);
        this.errno = errno;
    }
}
