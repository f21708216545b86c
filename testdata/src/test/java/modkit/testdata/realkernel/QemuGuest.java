package modkit.testdata.realkernel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Boots a real kernel in qemu-system-x86_64 (TCG: no KVM is needed) with a busybox initramfs that loads the 9p
 * modules, mounts the host's root read-only and a work directory read-write at the same path, and runs a shell
 * script from the work directory in a chroot of the host's root, as root, with the guest's own /proc, /sys and
 * /dev. So the JDK, the project's classes and the corpus have the same paths inside as outside, and results come
 * back through the work directory. Nothing else of the host is writable from the guest, and the host's own kernel
 * files (/lib/modules, /usr/src, /boot) are hidden behind empty directories.
 */
final class QemuGuest {
    /** The 9p modules, in load order (../shared/kernels/README.md). */
    private static final List<String> BOOT_MODULES = List.of("virtio_ring", "virtio", "virtio_pci_modern_dev",
            "virtio_pci_legacy_dev", "virtio_pci", "9pnet", "9pnet_virtio", "netfs", "fscache", "9p");

    private QemuGuest() {}

    /** Why the guest cannot run here, or null if it can: qemu, a static busybox, the kernel and its boot modules. */
    static String missing(Path kernelDir) {
        if (findOnPath("qemu-system-x86_64") == null) {
            return "qemu-system-x86_64 is not installed (Debian package qemu-system-x86)";
        }
        Path busybox = busybox();
        if (busybox == null) {
            return "no static busybox (Debian package busybox-static)";
        }
        if (findKernel(kernelDir) == null) {
            return "no vmlinuz-* in " + kernelDir;
        }
        for (String m : BOOT_MODULES) {
            if (!Files.isRegularFile(kernelDir.resolve("boot-modules").resolve(m + ".ko"))) {
                return "boot module " + m + ".ko missing in " + kernelDir.resolve("boot-modules");
            }
        }
        return null;
    }

    /**
     * Writes {@code work/guest.sh}: this JVM's java running {@code main} with this JVM's class path, its temporary
     * files in {@code work/tmp}.
     */
    static void javaScript(Path work, Class<?> main, String... args) throws IOException {
        Files.createDirectories(work.resolve("tmp"));
        String java = ProcessHandle.current().info().command().orElseThrow();
        Files.writeString(work.resolve("guest.sh"), String.join(" ", java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + work.resolve("tmp"), "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", "'" + System.getProperty("java.class.path") + "'",
                main.getName(), String.join(" ", args)) + "\n");
    }

    /**
     * Boots, runs {@code work/guest.sh} (it must exist) and powers off; the console goes to {@code work/console.log}.
     * Returns false if the guest did not finish within {@code timeout} (it is killed).
     */
    static boolean run(Path kernelDir, Path work, Duration timeout) throws IOException, InterruptedException {
        return boot(kernelDir, work, initramfs(kernelDir, work), List.of(
                "-virtfs", "local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap",
                "-virtfs", "local,path=" + work + ",mount_tag=work,security_model=none,multidevs=remap"), timeout);
    }

    /**
     * Boots the kernel with {@code initramfs} (its /init does the work and powers off) and the extra qemu
     * arguments; the console goes to {@code work/console.log}. False if it did not finish within {@code timeout}.
     */
    static boolean boot(Path kernelDir, Path work, byte[] initramfs, List<String> extra, Duration timeout)
            throws IOException, InterruptedException {
        Path initrd = work.resolve("initramfs.cpio");
        Files.createDirectories(work);
        Files.write(initrd, initramfs);
        List<String> cmd = new ArrayList<>(List.of(findOnPath("qemu-system-x86_64").toString(),
                "-accel", "tcg", "-cpu", "max", "-smp", "2", "-m", "2048", "-nographic", "-no-reboot", "-nic", "none",
                "-kernel", findKernel(kernelDir).toString(), "-initrd", initrd.toString(),
                "-append", "console=ttyS0 quiet loglevel=1 panic=-1 nokaslr"));
        cmd.addAll(extra);
        Process qemu = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(work.resolve("console.log").toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        if (!qemu.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            qemu.destroyForcibly().waitFor();
            return false;
        }
        return true;
    }

    private static byte[] initramfs(Path kernelDir, Path work) throws IOException {
        String mount = "mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000";
        StringBuilder init = new StringBuilder("#!/bin/busybox sh\n/bin/busybox --install -s /bin\nexport PATH=/bin\n")
                .append("mount -t proc proc /proc\nmount -t sysfs sys /sys\nmount -t devtmpfs dev /dev\n")
                .append("for m in ").append(String.join(" ", BOOT_MODULES))
                .append("; do insmod /mods/$m.ko || echo \"modkit-guest: insmod $m failed\"; done\n")
                .append(mount).append(",ro host /host || echo 'modkit-guest: cannot mount the host root'\n")
                .append("mount -t proc proc /host/proc\nmount -t sysfs sys /host/sys\nmount -t devtmpfs dev /host/dev\n")
                // The host's kernel files (its headers' Module.symvers, configs, module trees) are not this kernel's:
                // hidden, so what the Linux backend finds depends on the test, not on what the host has installed.
                .append("for d in /lib/modules /usr/src /boot; do [ -d /host$d ] && mount -t tmpfs none /host$d; done\n")
                .append(mount).append(" work /host").append(work).append(" || echo 'modkit-guest: cannot mount the work directory'\n")
                .append("chroot /host /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=").append(work)
                .append(" /bin/sh ").append(work.resolve("guest.sh")).append(" >/host").append(work.resolve("guest.log"))
                .append(" 2>&1\nsync\npoweroff -f\n");
        Initramfs cpio = busyboxInitramfs("host", "mods");
        for (String m : BOOT_MODULES) {
            cpio.file("mods/" + m + ".ko", 0644, Files.readAllBytes(kernelDir.resolve("boot-modules").resolve(m + ".ko")));
        }
        cpio.file("init", 0755, init.toString().getBytes(StandardCharsets.UTF_8));
        return cpio.finish();
    }

    /** An initramfs with a static busybox and the directories every guest mounts over, plus {@code dirs}. */
    static Initramfs busyboxInitramfs(String... dirs) throws IOException {
        Initramfs cpio = new Initramfs();
        for (String d : List.of("bin", "proc", "sys", "dev")) {
            cpio.directory(d);
        }
        for (String d : dirs) {
            cpio.directory(d);
        }
        return cpio.file("bin/busybox", 0755, Files.readAllBytes(busybox()));
    }

    private static Path findKernel(Path kernelDir) {
        try (Stream<Path> s = Files.list(kernelDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static Path findOnPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** A busybox without a program interpreter (PT_INTERP): the initramfs has no C library. */
    private static Path busybox() {
        for (String c : List.of("/bin/busybox", "/usr/bin/busybox")) {
            Path p = Path.of(c);
            try {
                if (Files.isRegularFile(p) && isStatic(Files.readAllBytes(p))) {
                    return p;
                }
            } catch (IOException e) {
                // try the next
            }
        }
        return null;
    }

    private static boolean isStatic(byte[] elf) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.length < 64 || b.getInt(0) != 0x464c457f || elf[4] != 2) {
            return false;
        }
        long phoff = b.getLong(32);
        int phentsize = b.getShort(54) & 0xffff;
        int phnum = b.getShort(56) & 0xffff;
        for (int i = 0; i < phnum; i++) {
            if (b.getInt((int) (phoff + (long) i * phentsize)) == 3) { // PT_INTERP
                return false;
            }
        }
        return true;
    }
}
