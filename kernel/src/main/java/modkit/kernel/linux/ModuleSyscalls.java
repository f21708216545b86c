package modkit.kernel.linux;

import java.nio.file.Path;
import java.util.List;

/**
 * The system calls the Linux backend makes. Each returns 0 or the negated errno, as the kernel does; the real
 * ones are {@link LinuxSyscalls}, tests give their own.
 */
public interface ModuleSyscalls {
    /** {@code finit_module} flags (include/uapi/linux/module.h). */
    int IGNORE_MODVERSIONS = 1;
    int IGNORE_VERMAGIC = 2;
    int COMPRESSED_FILE = 4;

    /** {@code finit_module} on the file at {@code path}. */
    int finitModule(Path path, String params, int flags);

    /** {@code finit_module} on an anonymous in-memory file holding {@code image} (a decompressed module with flags). */
    int finitModule(byte[] image, String params, int flags);

    /** {@code init_module} on the image. */
    int initModule(byte[] image, String params);

    /** {@code delete_module(name, O_NONBLOCK)}, with {@code O_TRUNC} when {@code force}. */
    int deleteModule(String name, boolean force);

    /** The kernel log from now on (/dev/kmsg), or a log that stays empty where it cannot be read. */
    KernelLog openLog();

    /** Kernel log records written after the log was opened. */
    interface KernelLog extends AutoCloseable {
        KernelLog NONE = new KernelLog() {
            @Override
            public List<String> newLines() {
                return List.of();
            }

            @Override
            public void close() {}
        };

        /** The message text of each record written since the last call (or since the log was opened). */
        List<String> newLines();

        @Override
        void close();
    }
}
