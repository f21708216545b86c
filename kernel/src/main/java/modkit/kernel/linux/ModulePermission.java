package modkit.kernel.linux;

import modkit.kernel.KernelException;

/**
 * What stops this process from loading or removing modules, found before anything is asked of the kernel: no
 * module support at all, no {@code CAP_SYS_MODULE}, {@code modules_disabled}, and for loads a lockdown that
 * admits only signed modules. Each is one line that says which, and what to do.
 */
final class ModulePermission {
    private static final int CAP_SYS_MODULE = 16;

    private ModulePermission() {}

    /** Throws EPERM (or ENOSYS) with the reason if this process may not load or remove modules. */
    static void check(SystemFiles sys, String what) {
        if (!sys.exists("/proc/modules")) {
            throw new KernelException("ENOSYS", "cannot " + what + ": the running kernel has no module support (no /proc/modules)",
                    null);
        }
        String status = sys.read("/proc/self/status");
        if (status != null && !hasCapability(status, CAP_SYS_MODULE)) {
            boolean root = "0".equals(field(status, "Uid:", 2)); // the effective uid
            throw new KernelException("EPERM", "cannot " + what + ": this process lacks the CAP_SYS_MODULE capability"
                    + (root ? " (root, but in a container or with capabilities dropped)" : " (it is not root)"),
                    root ? "run it where the kernel lets root load modules" : "run it as root, e.g. with sudo");
        }
        if ("1".equals(sys.value("/proc/sys/kernel/modules_disabled"))) {
            throw new KernelException("EPERM", "cannot " + what
                    + ": the kernel has module loading and removal switched off until it reboots (/proc/sys/kernel/modules_disabled is 1)",
                    null);
        }
    }

    /**
     * The lockdown mode ("integrity", "confidentiality") if the kernel is locked down, else null. Locked down, it
     * loads only modules with a signature it can verify, and refuses the force flags.
     */
    static String lockdown(SystemFiles sys) {
        String s = sys.value("/sys/kernel/security/lockdown");
        if (s == null) {
            return null;
        }
        int open = s.indexOf('[');
        int close = s.indexOf(']', open + 1);
        String mode = open < 0 || close < 0 ? "none" : s.substring(open + 1, close);
        return mode.equals("none") ? null : mode;
    }

    static boolean hasCapability(String status, int cap) {
        String eff = field(status, "CapEff:", 1);
        if (eff == null) {
            return true; // no capability line: let the kernel decide
        }
        long mask = Long.parseUnsignedLong(eff, 16);
        return (mask >>> cap & 1) != 0;
    }

    /** Field {@code index} (0 is the first after the key) of the status line starting with {@code key}. */
    private static String field(String status, String key, int index) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                String[] f = line.substring(key.length()).trim().split("\\s+");
                return index - 1 < f.length ? f[index - 1] : null;
            }
        }
        return null;
    }
}
