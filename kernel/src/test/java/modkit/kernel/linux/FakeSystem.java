package modkit.kernel.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A directory laid out like a running kernel's /proc and /sys, with module system calls that only record. */
final class FakeSystem implements ModuleSyscalls {
    final Path root;
    final List<String> calls = new ArrayList<>();
    /** What the next module call returns (0 or -errno), and the kernel log lines it leaves. */
    int result;
    List<String> kernelLines = List.of();

    FakeSystem(Path root) {
        this.root = root;
        file("/proc/sys/kernel/osrelease", "6.1.0-56-amd64\n");
        file("/proc/sys/kernel/arch", "x86_64\n");
        file("/proc/sys/kernel/tainted", "0\n");
        file("/proc/self/status", "Name:\tjava\nUid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\n");
        file("/proc/modules", "");
        file("/proc/kallsyms", """
                ffffffff81000000 T _text
                ffffffff81100000 T printk
                ffffffff81100100 T kfree
                ffffffff81100200 T gpl_thing
                ffffffff82460000 r __ksymtab_printk
                ffffffff8246000c r __ksymtab_kfree
                ffffffff82470000 R __start___ksymtab_gpl
                ffffffff82470000 r __ksymtab_gpl_thing
                ffffffff8247000c R __stop___ksymtab_gpl
                """);
    }

    FakeSystem file(String abs, String text) {
        try {
            Path p = root.resolve(abs.substring(1));
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    FakeSystem dir(String abs) {
        try {
            Files.createDirectories(root.resolve(abs.substring(1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    LinuxKernel kernel(Path symvers) {
        return new LinuxKernel(new SystemFiles(root), this, symvers);
    }

    @Override
    public int finitModule(Path path, String params, int flags) {
        calls.add("finit_module(" + path.getFileName() + ", '" + params + "', " + flags + ")");
        return result;
    }

    @Override
    public int finitModule(byte[] image, String params, int flags) {
        calls.add("finit_module(memfd of " + image.length + " bytes, '" + params + "', " + flags + ")");
        return result;
    }

    @Override
    public int initModule(byte[] image, String params) {
        calls.add("init_module(" + image.length + " bytes, '" + params + "')");
        return result;
    }

    @Override
    public int deleteModule(String name, boolean force) {
        calls.add("delete_module(" + name + (force ? ", O_TRUNC" : "") + ")");
        return result;
    }

    @Override
    public KernelLog openLog() {
        return new KernelLog() {
            @Override
            public List<String> newLines() {
                return kernelLines;
            }

            @Override
            public void close() {}
        };
    }
}
